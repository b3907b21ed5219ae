"""The platform as several hosts on this machine, under a mixed load, losing a web node halfway.

    python -m benchmarks.run multinode [--duration 120] [--smoke]      (as root: namespaces, veth)

Layout (docs/operations/multinode.md, decision 0038): network namespaces `web1` and `web2` (gunicorn),
`worker` (Celery and `runjobs`), joined by veth pairs to a bridge on this machine's side, where
PostgreSQL and Redis (this machine's own, shared) are reached through an HAProxy TCP relay and HAProxy
balances the web nodes. Every node runs the ExecStart line of its unit in deploy/systemd/, expanded from
deploy/passculture.env.example with this run's values (benchmarks/multinode/units.py); the balancer
runs deploy/haproxy/passculture.cfg as it is. `runjobs` runs on `worker` and also on `web2`, half a
period apart, every OnUnitActiveSec of the jobs timer: the claim on JobRun must keep every slot to one
run across nodes.

Load: Locust headless (one process, on this machine's side): search 70 %, film and offer pages 20 %,
bookings 8 %, counter validations 2 %, for `--duration` seconds. Halfway the gunicorn of web1 is killed
(SIGKILL); HAProxy must mark it DOWN. Then the outbox is drained.

Checks (a failed one fails the run): no HTTP error (5xx or no answer) outside the window in which web1
died (counted inside it); every booking Locust saw succeed is in the database, not cancelled; no oversell,
no overspend (booking_contention's checks); each job's claims at least a period apart and as many runs
reported by the nodes as claims seen in JobRun; every SENT email received once by the mail server.
Reported: requests/s and p50/p95 per kind, errors, the CPU Locust itself used, the load average.
"""

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.databases import database_name, recreate_postgres
from benchmarks.multinode import data, network, processes, units
from benchmarks.multinode import jobs as jobs_mod

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "var" / "multinode"
LOCUSTFILE = ROOT / "benchmarks" / "multinode" / "locustfile.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pc_multinode_bench"
BROKER_DB, CACHE_DB = 13, 14  # Redis databases of this run (the tests use lower ones)
WEB_PORT = int(units.read_env_file()["GUNICORN_BIND"].rpartition(":")[2])  # where each web node listens
LB_PORT, SMTP_PORT = 18780, 2525
FALLBACK_HEALTH_URI = "/accessibilite/"
KINDS = ("search", "film_offer_page", "booking", "counter")


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--duration", type=int, default=120, help="seconds of load (web1 dies halfway)")
    group.add_argument("--users", type=int, default=24, help="Locust users")
    group.add_argument("--smoke", action="store_true", help="short run for CI: 40 s of load, small data")
    group.add_argument("--jobs-interval", type=float, help="seconds between runjobs (default: the timer's)")
    group.add_argument("--drain", type=int, default=90, help="seconds at most to wait for the outbox")
    group.add_argument("--seed", type=int, default=1)
    group.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL database to DROP and recreate (default {DEFAULT_DATABASE_URL})",
    )


# --- Settings -------------------------------------------------------------------------------------


def _settings(url: str, host: str, var: Path) -> dict[str, str]:
    """This run's values for the environment file: every `<...>` of the template and the addresses."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECRET_KEY_FALLBACKS": "",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{LB_PORT}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{LB_PORT}",
        "DATABASE_URL": url.replace("@127.0.0.1:", f"@{host}:").replace("@localhost:", f"@{host}:"),
        "CACHE_URL": f"redis://{host}:6379/{CACHE_DB}",
        "CELERY_BROKER_URL": f"redis://{host}:6379/{BROKER_DB}",
        "PASSCULTURE_VAR_DIR": str(var),
        "IDENTITY_DOCUMENTS_ROOT": str(var / "private" / "identity"),
        "BOOKING_EXPORTS_ROOT": str(var / "private" / "exports"),
        "MEDIA_ROOT": str(var / "media"),
        "TICKETING_SIGNING_KEY": secrets.token_urlsafe(50),
        "ALLOCINE_API_KEY": "",
        "SEPA_DEBTOR_NAME": "pass Culture (banc d'essai)",
        "SEPA_DEBTOR_IBAN": "FR7630001000640000001234559",
        "SEPA_DEBTOR_BIC": "BDFEFRPPCCT",
        "EMAIL_HOST": host,
        "EMAIL_PORT": str(SMTP_PORT),
        "PASSCULTURE_PUBLISHER_NAME": "Banc d'essai",
        "PASSCULTURE_PUBLISHER_ADDRESS": "Ici",
        "PASSCULTURE_PUBLICATION_DIRECTOR": "Personne",
        "PASSCULTURE_HOST_NAME": "Cette machine",
        "PASSCULTURE_HOST_ADDRESS": "Ici",
        # Never the network from a benchmark; tokens that outlive the run; quieter logs.
        "ADRESSE_API_URL": "",
        "MAP_TILES_URL": "",
        "ACCESS_TOKEN_LIFETIME_SECONDS": "7200",
        "LOG_LEVEL": "WARNING",
    }


def _process_env(values: dict[str, str]) -> dict[str, str]:
    """What a unit's process sees: the environment file's values, plus where this checkout is."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(WORK),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "passculture.settings",
        **values,
    }


def _local(values: dict[str, str]) -> dict[str, str]:
    """The same settings for this process, on this machine's side of the bridge (loopback)."""
    host = network.HOST_ADDRESS
    return {
        key: value.replace(f"@{host}:", "@127.0.0.1:").replace(f"redis://{host}:", "redis://127.0.0.1:")
        for key, value in values.items()
    }


def _setup_django(values: dict[str, str]) -> None:
    """Django in this process, on this checkout's code (as the nodes: PYTHONPATH=src)."""
    os.environ.update(_process_env(_local(values)))
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


# --- Measures -------------------------------------------------------------------------------------


def _percentile(values: list[float], q: int) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def _http_report(records: list, began: float, ended: float, death: tuple[float, float]) -> dict:
    window = max(ended - began, 0.001)
    kinds = {}
    errors_in, errors_out = Counter(), Counter()
    for kind in KINDS:
        rows = [r for r in records if r[1] == kind]
        latencies = [r[3] for r in rows if 0 < r[2] < 500]
        statuses = Counter(str(r[2]) for r in rows)
        kinds[kind] = {
            "requests": len(rows),
            "requests_per_s": round(len(rows) / window, 1),
            "p50_ms": _percentile(latencies, 50),
            "p95_ms": _percentile(latencies, 95),
            "by_status": dict(sorted(statuses.items())),
        }
    for t, kind, status, _ms in records:
        if status == 0 or status >= 500:
            inside = death[0] - 0.5 <= t <= death[1] + 2.0
            (errors_in if inside else errors_out)[f"{kind}:{status}"] += 1
    return {
        "window_s": round(window, 1),
        "requests": len(records),
        "requests_per_s": round(len(records) / window, 1),
        "by_kind": kinds,
        "mix_percent": {k: round(100 * v["requests"] / max(len(records), 1), 1) for k, v in kinds.items()},
        "errors_while_web1_died": dict(errors_in),
        "errors_outside_that_window": dict(errors_out),
    }


# --- Run --------------------------------------------------------------------------------------------


def _clean_work_dir() -> None:
    """Everything of the previous run goes, but the collected static files (minutes on a busy machine)."""
    WORK.mkdir(parents=True, exist_ok=True)
    for path in WORK.iterdir():
        if path.name == "var":
            for inner in path.iterdir():
                if inner.name != "static":
                    shutil.rmtree(inner) if inner.is_dir() else inner.unlink()
        else:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    (WORK / "logs").mkdir()


def _preflight(args) -> None:
    if os.geteuid() != 0:
        raise SystemExit("multinode needs root (ip netns, veth)")
    for tool in ("ip", "haproxy"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (Debian: apt-get install iproute2 haproxy)")
    # find_spec, not import: importing locust would monkey-patch this process with gevent.
    for package in ("aiosmtpd", "locust"):
        if importlib.util.find_spec(package) is None:
            raise SystemExit(f"{package} missing: pip install -e '.[dev]'")
    if "bench" not in database_name(args.database_url):
        raise SystemExit("refusing to drop a database without 'bench' in its name")
    for port in (5432, 6379):
        if not processes.answers("127.0.0.1", port):
            raise SystemExit(f"nothing answers on 127.0.0.1:{port} (PostgreSQL / Redis)")


def run(args: argparse.Namespace) -> dict:
    _preflight(args)
    if args.smoke:
        args.duration = min(args.duration, 40)
    sizes = (
        {"venues": 60, "offers": 240, "showtimes": 3000, "beneficiaries": 400, "countermarks": 60}
        if args.smoke
        else {"venues": 300, "offers": 1500, "showtimes": 30000, "beneficiaries": 2000, "countermarks": 300}
    )
    _clean_work_dir()
    host = network.HOST_ADDRESS
    values = units.render_env(_settings(args.database_url, host, WORK / "var"))
    units.write_env_file(values, WORK / "passculture.env")
    interval = args.jobs_interval or units.timer_seconds()
    load_before = os.getloadavg()
    phases = {"start": time.monotonic()}
    print(
        f"multinode: {args.duration} s of load, {args.users} users, runjobs every {interval:.0f} s",
        flush=True,
    )

    print("  database, static files, data...", flush=True)
    url = args.database_url
    recreate_postgres(url)
    _setup_django(values)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from passculture.interfaces.static_files import collected_static_files_are_current

    if not collected_static_files_are_current():  # the nodes' STATIC_ROOT: WORK/var/static
        subprocess.run(
            [sys.executable, "-m", "passculture", "collectstatic", "--noinput", "-v", "0"],
            env=_process_env(_local(values)),
            check=True,
            timeout=1200,
        )
    import redis

    for db in (BROKER_DB, CACHE_DB):
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    seeded = data.seed(seed=args.seed, **sizes)
    (WORK / "data.json").write_text(json.dumps(seeded), encoding="utf-8")
    connection.close()

    started: dict[str, subprocess.Popen] = {}
    mail = runners = cpu = None
    result: dict = {}
    previous_term = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        network.setup()
        relay = WORK / "relay.cfg"
        relay.write_text(processes.relay_config(host, [5432, 6379]), encoding="utf-8")
        started["relay"] = processes.start(
            ["haproxy", "-db", "-f", str(relay)], env=dict(os.environ), log=WORK / "logs" / "relay.log"
        )
        mail = processes.MailServer(host, SMTP_PORT)
        mail.start()
        if not processes.wait_until(
            lambda: processes.answers(host, 5432) and processes.answers(host, 6379), 10
        ):
            raise RuntimeError("the relay to PostgreSQL/Redis did not start (var/multinode/logs/relay.log)")

        web1, web2, worker = network.NODES
        node_env = _process_env(values)
        # GUNICORN_BIND=0.0.0.0:8000 as in the template: each namespace has its own network stack, so both
        # web nodes run the very same command line with the very same environment.
        for node in (web1, web2):
            argv = units.exec_start(
                "passculture-web.service", node_env, host=node.name, venv_bin=str(Path(sys.executable).parent)
            )
            started[node.name] = processes.start(
                network.in_namespace(node, argv), env=node_env, log=WORK / "logs" / f"{node.name}.log"
            )
        argv = units.exec_start(
            "passculture-worker.service",
            node_env,
            host=worker.name,
            venv_bin=str(Path(sys.executable).parent),
        )
        started["worker"] = processes.start(
            network.in_namespace(worker, argv), env=node_env, log=WORK / "logs" / "worker.log"
        )

        import httpx

        def node_answers(node, path="/api/native/v1/films?latitude=48.85&longitude=2.35") -> bool:
            url = f"http://{node.address}:{WEB_PORT}{path}"
            try:
                return httpx.get(url, headers={"Host": "127.0.0.1"}, timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        for node in (web1, web2):
            if not processes.wait_until(lambda node=node: node_answers(node), 90, 0.5):
                raise RuntimeError(
                    f"gunicorn in {node.name} did not answer (var/multinode/logs/{node.name}.log)"
                )
        health = "/healthz" if node_answers(web1, "/healthz") else FALLBACK_HEALTH_URI
        print(f"  nodes up; HAProxy checks {health}", flush=True)
        stats = WORK / "haproxy.sock"
        lb_env = processes.haproxy_env(
            lb_bind=f"127.0.0.1:{LB_PORT}", web1=f"{web1.address}:{WEB_PORT}", web2=f"{web2.address}:{WEB_PORT}",
            host="127.0.0.1", health_uri=health, stats_socket=str(stats),
        )  # fmt: skip
        started["haproxy"] = processes.start(
            ["haproxy", "-db", "-f", str(processes.HAPROXY_CONFIG)],
            env=lb_env,
            log=WORK / "logs" / "haproxy.log",
        )
        if not processes.wait_until(
            lambda: set(processes.haproxy_servers(stats).values()) == {"UP"}, 20, 0.5
        ):
            raise RuntimeError("HAProxy did not see both web nodes UP (var/multinode/logs/haproxy.log)")

        jobs_argv = units.exec_start(
            "passculture-jobs.service", node_env, host=worker.name, venv_bin=str(Path(sys.executable).parent)
        )
        runners = jobs_mod.JobRunners(
            [worker, web2], jobs_argv, node_env, interval, WORK / "logs" / "runjobs.log"
        )
        runners.start()

        print(f"  Locust: {args.users} users for {args.duration} s...", flush=True)
        locust_env = {
            **os.environ,
            "MULTINODE_DATA": str(WORK / "data.json"),
            "MULTINODE_EVENTS": str(WORK / "events.json"),
        }
        locust_argv = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(args.users),
            "--spawn-rate", str(max(args.users // 2, 1)), "--run-time", f"{args.duration}s", "--stop-timeout", "5",
            "--host", f"http://127.0.0.1:{LB_PORT}", "--csv", str(WORK / "locust"), "--only-summary",
            "--exit-code-on-error", "0", "--loglevel", "WARNING",
        ]  # fmt: skip
        phases["setup_done"] = time.monotonic()
        began = time.time()
        started["locust"] = processes.start(locust_argv, env=locust_env, log=WORK / "logs" / "locust.log")
        cpu = processes.CpuWatch(started["locust"].pid)
        cpu.start()

        time.sleep(args.duration / 2)
        killed_at = time.time()
        processes.stop(started["web1"], sig=signal.SIGKILL, grace=5)
        dropped = processes.wait_until(
            lambda: processes.haproxy_servers(stats).get("web1") == "DOWN", 30, 0.1
        )
        down_at = time.time()
        print(f"  web1 killed; HAProxy marked it DOWN after {down_at - killed_at:.1f} s", flush=True)

        started["locust"].wait(timeout=args.duration + 120)
        ended = time.time()
        phases["load_done"] = time.monotonic()
        cpu.stop()
        locust_cpu = cpu.seconds
        print("  load over; draining the outbox...", flush=True)
        processes.wait_until(lambda: data.pending_emails() == 0, args.drain, 1.0)
        time.sleep(2)
        runners.stop()
        runners.poll()
        phases["drain_done"] = time.monotonic()
        events = json.loads((WORK / "events.json").read_text(encoding="utf-8"))
        http = _http_report(events["requests"], began, ended, (killed_at, down_at))
        money = data.check_money_and_bookings(events["booked"], events["validated"], seeded["stocks"])
        emails = data.check_emails(list(mail.message_ids))
        jobs = runners.check()
        connection.close()
        load_after = os.getloadavg()
        result = {
            "params": {
                "duration_s": args.duration,
                "users": args.users,
                "smoke": args.smoke,
                "seed": args.seed,
                "jobs_interval_s": interval,
                "health_check": health,
                "data": seeded["counts"],
                "nodes": {n.name: n.address for n in network.NODES},
                "gunicorn_workers": values["GUNICORN_WORKERS"],
                "gunicorn_threads": values["GUNICORN_THREADS"],
                "celery_concurrency": values["CELERY_CONCURRENCY"],
            },
            "environment": _environment(load_before, load_after),
            "http": http,
            "load_generator": {
                "tool": "locust (FastHttpUser, one process)",
                "cpu_seconds": round(locust_cpu, 1),
                "cpu_percent_of_one_core": round(100 * locust_cpu / max(ended - began, 0.001), 1),
            },
            "phases_s": {
                "setup": round(phases["setup_done"] - phases["start"], 1),
                "load": round(phases["load_done"] - phases["setup_done"], 1),
                "drain_and_last_jobs": round(phases["drain_done"] - phases["load_done"], 1),
            },
            "web1_death": {
                "killed_after_s": round(killed_at - began, 1),
                "marked_down": dropped,
                "detected_after_s": round(down_at - killed_at, 2),
            },
            "checks": {"bookings_and_money": money, "emails": emails, "jobs": jobs},
        }
        result["balancer_events"] = processes.server_state_changes(WORK / "logs" / "haproxy.log")
        result["ok"] = bool(
            dropped and not http["errors_outside_that_window"] and money["ok"] and emails["ok"] and jobs["ok"]
        )
        _print_summary(result)
        return result
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if cpu is not None:
            cpu.stop()
        if runners is not None:
            runners.stop()
        for name in ("locust", "haproxy", "web1", "web2", "worker", "relay"):
            processes.stop(started.get(name), grace=15)
        if mail is not None:
            mail.stop()
        for node in network.NODES:  # anything a node left behind (only our processes live there)
            for pid in network.pids_in(node) if node.name in network.namespaces() else []:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        network.teardown()
        print("  namespaces, bridge and processes removed", flush=True)


def _environment(load_before, load_after) -> dict:
    import platform

    version = subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "haproxy": version,
        "locust": importlib.metadata.version("locust"),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }


def _print_summary(result: dict) -> None:
    http = result["http"]
    print(
        f"  {http['requests']} requests, {http['requests_per_s']}/s over {http['window_s']} s; mix {http['mix_percent']}"
    )
    for kind, row in http["by_kind"].items():
        print(
            f"    {kind:16} {row['requests_per_s']:6}/s  p50 {row['p50_ms']} ms  p95 {row['p95_ms']} ms  {row['by_status']}"
        )
    print(
        f"  errors while web1 died {http['errors_while_web1_died']}; outside {http['errors_outside_that_window']}"
    )
    print(
        f"  Locust CPU {result['load_generator']['cpu_percent_of_one_core']} % of a core; load {result['environment']['loadavg_after']}"
    )
    money = result["checks"]["bookings_and_money"]
    print(
        f"  bookings seen {money['bookings_seen_by_load_tool']} lost {money['bookings_lost']}  "
        f"oversell {money['oversell']} overspend {money['overspend']}"
    )
    emails = result["checks"]["emails"]
    print(
        f"  emails {emails['outbox_by_status']} received {emails['received_by_mail_server']} twice {emails['received_twice_or_more']}"
    )
    print(f"  phases (s) {result['phases_s']}")
    jobs = result["checks"]["jobs"]
    print(f"  jobs by node {jobs['job_runs_by_node']}; run twice or never: {jobs['jobs_run_twice_or_never']}")
