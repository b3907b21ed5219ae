"""The daily import in several worker processes (decision 0042).

One process imports one venue after another: its CPU and the database's wait for each other, and a
national run used one core of the machine. On PostgreSQL `sync.sync_all` hands the venues to
`ALLOCINE_IMPORT_PROCESSES` workers instead, each with its own connection, its own feed prefetch thread
and its own films (films.FilmLinks; core.films.services.find_or_create_film is safe when two create the
same film). The venues go out in chunks of `chunk_size`, two chunks ahead per worker (a worker prefetches
the next venue's feed across a chunk's end), the next chunk to whichever finishes one: a slow worker
never holds the end of the run. This process creates each chunk's runs before handing it out.

Workers are new interpreters (`python -m passculture.core.providers.allocine.worker`, never a fork of a
process holding a connection), which also works from a daemonic process (a Celery prefork child, where
multiprocessing refuses children). They get this process's settings module, what tests or the benchmark
may have changed at run time (`CARRIED_SETTINGS`, the database's actual settings), the logger levels and
the request id of the job (decision 0036).

A worker that dies (killed, out of memory) loses no venue: the venue it was importing gets an error run
(unless its run had ended), the venues it had not started go to the other workers; what is left when
every worker is gone is imported here, in this process.
"""

import copy
import datetime as dt
import logging
import os
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from django.conf import settings
from django.db import connection

from passculture.core.common import request_id

from .models import AllocineImportRun, AllocineVenueSettings

logger = logging.getLogger(__name__)

WORKER_MODULE = "passculture.core.providers.allocine.worker"
MAX_PROCESSES = 8
# Below this many venues per worker, starting one (an interpreter and Django: about a second of CPU)
# costs more than it saves.
MIN_VENUES_PER_PROCESS = 50
# Settings a test or the benchmark may change at run time (override_settings), which a new interpreter
# would not see; DATABASES is the connection's own (a test database has another name).
CARRIED_SETTINGS = ("MEDIA_ROOT", "MEDIA_URL", "STORAGES", "DEBUG")

Pair = tuple[AllocineVenueSettings, AllocineImportRun]


def configured_processes() -> int:
    """ALLOCINE_IMPORT_PROCESSES, or the CPUs this process may use (at most MAX_PROCESSES)."""
    configured = getattr(settings, "ALLOCINE_IMPORT_PROCESSES", 0) or 0
    if configured > 0:
        return configured
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_PROCESSES))


def process_count(venues: int) -> int:
    """How many workers import `venues` venues; 1: in this process. SQLite writes one transaction at a
    time, and a caller inside a transaction holds rows the workers could not see."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, min(configured_processes(), venues // max(1, MIN_VENUES_PER_PROCESS)))


def worker_config(at: dt.datetime | None) -> dict:
    """What a worker needs to import as this process would (sent first, pickled)."""
    carried = {name: getattr(settings, name) for name in dir(settings) if name.startswith("ALLOCINE_")}
    carried.update({name: getattr(settings, name) for name in CARRIED_SETTINGS if hasattr(settings, name)})
    database = copy.deepcopy(connection.settings_dict)
    return {
        "settings": carried,
        "database": database,
        "at": at,
        "request_id": request_id.current(),
        "log_levels": {
            name: logger_.level
            for name, logger_ in logging.root.manager.loggerDict.items()
            if isinstance(logger_, logging.Logger) and logger_.level != logging.NOTSET
        },
    }


@dataclass
class _Worker:
    process: subprocess.Popen
    send: Connection
    receive: Connection
    # What was handed out and not reported yet, in the worker's order, and the size of each chunk.
    pending: deque[Pair] = field(default_factory=deque)
    chunks: deque[int] = field(default_factory=deque)
    ready: bool = False
    stopped: bool = False


def _start_worker(config: dict) -> _Worker:
    child_in, parent_out = os.pipe()
    parent_in, child_out = os.pipe()
    env = dict(os.environ)
    # Under override_settings, settings.SETTINGS_MODULE is None: the environment names the module.
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    # The same modules as this process, wherever they were found (a source tree, a test run).
    env["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    try:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, a module of ours)
            [sys.executable, "-m", WORKER_MODULE], stdin=child_in, stdout=child_out, env=env, close_fds=True
        )
    finally:
        os.close(child_in)
        os.close(child_out)
    worker = _Worker(process, Connection(parent_out, readable=False), Connection(parent_in, writable=False))
    worker.send.send(config)
    return worker


class _Dispatcher:
    def __init__(self, venues: list[AllocineVenueSettings], chunk_size: int, start_runs, crashed) -> None:
        self.venues = deque(venues)
        self.returned: deque[Pair] = deque()  # started runs back from a dead worker
        self.chunk_size = chunk_size
        self.start_runs = start_runs
        self.crashed = crashed
        self.counts: dict[str, int] = {}

    def _next_chunk(self) -> list[Pair]:
        if self.returned:
            return [self.returned.popleft() for _ in range(min(self.chunk_size, len(self.returned)))]
        chunk = [self.venues.popleft() for _ in range(min(self.chunk_size, len(self.venues)))]
        return list(zip(chunk, self.start_runs(chunk), strict=True)) if chunk else []

    def hand_out(self, worker: _Worker) -> None:
        """The next chunk to `worker`, or the end when nothing is left."""
        if worker.stopped:
            return
        chunk = self._next_chunk()
        try:
            if not chunk:
                worker.stopped = True
                worker.send.send(None)
                return
            worker.pending.extend(chunk)
            worker.chunks.append(len(chunk))
            worker.send.send(
                [(s.pk, s.venue_id, run.pk, run.started_at) for s, run in chunk]  # the worker reads them
            )
        except OSError:
            # Gone: what it held is taken back when its end of the pipe closes.
            worker.stopped = True

    def done(self, worker: _Worker, run_pk: int, status: str) -> None:
        _settings, run = worker.pending.popleft()
        if run.pk != run_pk:  # a worker imports its chunks in order
            raise RuntimeError(f"allocine: worker reported run {run_pk}, run {run.pk} expected")
        self.count(status)
        worker.chunks[0] -= 1
        if worker.chunks[0] == 0:
            worker.chunks.popleft()
            self.hand_out(worker)

    def count(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    def lost(self, worker: _Worker) -> None:
        """A worker ended with venues not reported: the one it was importing (if it had started) gets an
        error run unless its run ended, the others go back to the queue."""
        if not worker.pending:
            return
        logger.error(
            "allocine: import worker %s ended (code %s) with %s venue(s) not reported",
            worker.process.pid,
            worker.process.returncode,
            len(worker.pending),
        )
        if worker.ready:
            settings_obj, run = worker.pending.popleft()
            ended = AllocineImportRun.objects.filter(pk=run.pk, finished_at__isnull=False).values_list(
                "status", flat=True
            )
            self.count(ended[0] if ended else self.crashed(settings_obj, run))
        self.returned.extendleft(reversed(worker.pending))
        worker.pending.clear()

    def left(self) -> Iterator[Pair]:
        """What no worker took, with its run (created as it goes, like a chunk's)."""
        while chunk := self._next_chunk():
            yield from chunk


def sync_in_processes(
    venues: list[AllocineVenueSettings],
    at: dt.datetime | None,
    processes: int,
    *,
    chunk_size: int,
    start_runs: Callable[[list[AllocineVenueSettings]], list[AllocineImportRun]],
    crashed: Callable[[AllocineVenueSettings, AllocineImportRun], str],
    in_process: Callable[[Iterable[Pair]], dict[str, int]],
) -> dict[str, int]:
    """Imports `venues` in `processes` workers; {status: venues}. `start_runs`: the runs of a chunk;
    `crashed`: records the error run of a venue whose worker died, returns its status; `in_process`:
    imports in this process what the workers left."""
    dispatcher = _Dispatcher(venues, chunk_size, start_runs, crashed)
    config = worker_config(at)
    workers: dict[Connection, _Worker] = {}
    try:
        for _ in range(processes):
            worker = _start_worker(config)
            workers[worker.receive] = worker
            for _chunk in range(2):  # two ahead: the worker prefetches across a chunk's end
                dispatcher.hand_out(worker)
        while workers:
            for receive in wait(list(workers)):
                worker = workers[receive]  # type: ignore[index]
                try:
                    message = worker.receive.recv()
                except (EOFError, OSError):
                    worker.process.wait()
                    del workers[worker.receive]
                    worker.send.close()
                    worker.receive.close()
                    dispatcher.lost(worker)
                    continue
                if message[0] == "ready":
                    worker.ready = True
                elif message[0] == "done":
                    dispatcher.done(worker, message[1], message[2])
    finally:
        for worker in workers.values():
            # An error here: the workers stop when their pipe closes, after their current venue.
            worker.send.close()
        for worker in workers.values():
            try:
                worker.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.receive.close()
    counts = dispatcher.counts
    for status, count in in_process(dispatcher.left()).items():
        counts[status] = counts.get(status, 0) + count
    return counts
