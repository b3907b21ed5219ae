"""`passculture serve`: the embedded server behind `make run`.

gunicorn (one gthread worker, a few threads) serves the WSGI application, whitenoise the static files
and, in DEBUG, Django the media. Static files are always the collected ones, gzip-compressed under hashed
names with a year-long cache, DEBUG or not: `make run` weighs what production weighs (a first visit of
the app's home page under 250 KB), see docs/decisions/0020-error-pages-and-static-files.md. A background thread in the worker calls the periodic jobs every ~30 s,
which is what cron does in production (`passculture runjobs`).

It lives in the web app's interface package because serving HTTP is an interface concern: the
import-linter layers let it call `core.jobs.services`, and Django finds commands only in installed
apps (the demo app holds data, not serving).
"""

import logging
import threading

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections
from django.utils.functional import empty
from gunicorn.app.base import BaseApplication

from passculture.core.jobs.services import run_due_jobs
from passculture.interfaces.static_files import collected_static_files_are_current

logger = logging.getLogger("passculture.serve")
JOBS_INTERVAL_SECONDS = 30


COLLECTED_STATIC_STORAGE = "passculture.interfaces.static_files.CollectedStaticFilesStorage"


def serve_collected_static_files() -> None:
    """Switches this process to the collected, compressed, hashed static files before anything reads them.

    settings.py lets DEBUG serve files straight from the apps (edited files show without collectstatic);
    this server is how people try the service, so it serves them the way production does. Django has read
    STORAGES already (the models' file fields open the default storage at start-up) but has not opened the
    static one: its definition is replaced where Django keeps it. The worker forks after this."""
    backend = {"BACKEND": COLLECTED_STATIC_STORAGE}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": backend}
    storages.backends["staticfiles"] = backend
    storages._storages.pop("staticfiles", None)
    if staticfiles_storage._wrapped is not empty:  # opened by some import: open it again
        staticfiles_storage._setup()
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False


class JobsLoop:
    """Runs the due jobs now, then every `interval` seconds, until stopped."""

    def __init__(self, interval: float = JOBS_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="passculture-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self) -> dict:
        try:
            results = run_due_jobs()
        except Exception:
            # A broken job run must not take the web server down; the next tick retries.
            logger.exception("periodic jobs failed")
            return {}
        finally:
            # This thread is not a request: nobody else closes its connection (and on SQLite an
            # idle open connection would pin the WAL).
            connection.close()
        if results:
            logger.info("periodic jobs: %s", results)
        return results

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)


class EmbeddedServer(BaseApplication):
    def __init__(self, options: dict, jobs_interval: float | None) -> None:
        self.options = options
        self.jobs_interval = jobs_interval
        self.jobs: JobsLoop | None = None
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # gunicorn >= 25 opens a control socket at one fixed path under $HOME: two local servers
            # (a test beside `make run`) would fight over it, and nothing here uses it.
            self.cfg.set("control_socket_disable", True)
        if self.jobs_interval is not None:
            # In the worker, not the master: a thread holding a database connection across the
            # master's fork would share that connection (and SQLite's file locks) with the child.
            self.cfg.set("post_worker_init", self._start_jobs)
            self.cfg.set("worker_exit", self._stop_jobs)

    def load(self):
        return get_wsgi_application()

    def _start_jobs(self, worker) -> None:
        assert self.jobs_interval is not None
        self.jobs = JobsLoop(self.jobs_interval)
        self.jobs.start()
        logger.info("periodic jobs every %ss (pid %s)", self.jobs_interval, worker.pid)

    def _stop_jobs(self, server, worker) -> None:
        if self.jobs is not None:
            self.jobs.stop()
            logger.info("periodic jobs stopped")


def start_reference_server():
    from passculture.demo.ticketing import start_reference_server as start

    return start()


class Command(BaseCommand):
    help = "Sert la plateforme (gunicorn + whitenoise) et exécute les tâches périodiques en arrière-plan."
    requires_system_checks = []  # checked by `migrate` just before in `make run`

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=4, help="Threads of the worker (default 4).")
        parser.add_argument(
            "--no-jobs", action="store_true", help="Do not run the periodic jobs (cron calls runjobs)."
        )
        parser.add_argument("--jobs-interval", type=float, default=JOBS_INTERVAL_SECONDS, help="Seconds.")

    def handle(self, *args, host, port, threads, no_jobs, jobs_interval, **options):
        serve_collected_static_files()
        if not collected_static_files_are_current():
            call_command("collectstatic", interactive=False, verbosity=0)
        # The demo cinema's ticketing system, in a thread of this (master) process: decision 0029.
        ticketing = start_reference_server()
        if ticketing is not None:
            self.stdout.write(f"Billetterie de référence (démo) sur {ticketing.base_url}")
        connections.close_all()  # nothing open may cross the fork into the worker
        self.stdout.write(f"pass Culture sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
        EmbeddedServer(
            {
                "bind": f"{host}:{port}",
                "workers": 1,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": 10,
                # No access log: it writes raw paths (a countermark can be in one); the request log of
                # interfaces/ops/middleware.py gives the route pattern, status and duration instead.
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "info",
                "proc_name": "passculture",
            },
            jobs_interval=None if no_jobs else jobs_interval,
        ).run()
