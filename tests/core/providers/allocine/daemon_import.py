"""Runs the daily import inside a daemonic process, as a Celery prefork child would (test_parallel.py).
Imports nothing of Django at the top: the spawned process sets it up first."""


def run_sync_all(config: dict, at, results) -> None:
    from passculture.core.providers.allocine import worker

    worker.setup(config)
    from passculture.core.providers.allocine import parallel, sync

    parallel.MIN_VENUES_PER_PROCESS = 1
    sync.RUNS_STARTED_TOGETHER = 2
    results.put((parallel.process_count(10), sync.sync_all(at=at)))
