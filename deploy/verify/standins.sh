#!/bin/sh
# Builds LOCAL STAND-INS for the base images that compose.yaml and Dockerfile name, on a machine that
# cannot pull from Docker Hub: a Debian bookworm root made by debootstrap from the apt mirror, then
# python:3.11-slim-bookworm, postgres:15 and redis:7 on top of it (standins/*.Dockerfile).
# For offline verification only (README.md beside this file): they carry the label
# org.passculture.standin, and must never be pushed or used in production.
# Needs root, debootstrap and a running Docker engine. An image already present is kept (--force
# rebuilds them all).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
force=0
[ "${1:-}" = --force ] && force=1

have() { [ "$force" = 0 ] && docker image inspect "$1" > /dev/null 2>&1; }

if ! have passculture-standin/debian:bookworm; then
    root=$(mktemp -d /tmp/passculture-standin-rootfs.XXXXXX)
    trap 'rm -rf "$root"' EXIT
    echo "== debootstrap bookworm (minbase) from $mirror"
    debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 \
        || { tail -20 "$root.log"; exit 1; }
    rm -f "$root.log"
    cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
    # As in Debian's official image: no service starts during apt-get install in a build.
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod +x "$root/usr/sbin/policy-rc.d"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
    tar -C "$root" --numeric-owner -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'LABEL org.passculture.standin="local stand-in for offline verification"' \
        --change 'CMD ["bash"]' - passculture-standin/debian:bookworm
    rm -rf "$root"
    trap - EXIT
fi

for pair in python:3.11-slim-bookworm=python postgres:15=postgres redis:7=redis; do
    tag=${pair%=*}
    name=${pair#*=}
    if have "$tag"; then
        echo "== $tag: present (stand-in: $(docker image inspect -f '{{index .Config.Labels "org.passculture.standin"}}' "$tag"))"
        continue
    fi
    echo "== building stand-in $tag"
    context=$(mktemp -d /tmp/passculture-standin-context.XXXXXX)
    cp "$here/standins/$name.Dockerfile" "$here/standins/"*.sh "$context/"
    mkdir "$context/extra-ca"
    # The authorities this host adds to its trust store (a TLS-inspecting egress, a company CA): the
    # stand-in trusts them too, so that pip reaches PyPI from the build. Never committed.
    for ca in "${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt; do
        [ -f "$ca" ] && cp "$ca" "$context/extra-ca/"
    done
    # --network host: the engine may run without iptables (no NAT from its bridge).
    docker build --network host -q -t "$tag" -f "$context/$name.Dockerfile" "$context" || { rm -rf "$context"; exit 1; }
    rm -rf "$context"
done
