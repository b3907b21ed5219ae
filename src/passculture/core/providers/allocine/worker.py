"""A worker process of the daily import (parallel.py starts it: `python -m` this module).

Reads its configuration, then chunks of venues, from stdin; writes ("ready", pid) once set up and
("done", settings id, status) after each venue on what was stdout (fd 1 then points at stderr, so that a
stray print cannot break the exchange). Ends at the end of the chunks (None) or when the pipe closes.
"""

import datetime as dt
import logging
import os
from collections.abc import Iterator
from multiprocessing.connection import Connection


def setup(config: dict) -> None:
    """Django with the parent's settings module (DJANGO_SETTINGS_MODULE) and what it carried."""
    import django
    from django.conf import settings

    settings.DEBUG  # noqa: B018 (loads the settings module, before the changes below)
    database = dict(config["database"])
    # Which worker a backend serves, in pg_stat_activity.
    database["OPTIONS"] = {
        **database.get("OPTIONS", {}),
        "application_name": f"allocine-import-{os.getpid()}",
    }
    settings.DATABASES = {**settings.DATABASES, "default": database}
    for name, value in config["settings"].items():
        setattr(settings, name, value)
    django.setup()
    for name, level in config["log_levels"].items():
        logging.getLogger(name).setLevel(level)


def _pairs(receive: Connection) -> Iterator:
    from passculture.core.providers.allocine.models import AllocineImportRun, AllocineVenueSettings

    while True:
        try:
            chunk = receive.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        found = AllocineVenueSettings.objects.select_related("venue", "theater").in_bulk(
            [settings_pk for settings_pk, *_ in chunk]
        )
        for settings_pk, venue_id, run_pk, started_at in chunk:
            # The run as the parent created it (sync._start_runs).
            run = AllocineImportRun(pk=run_pk, venue_id=venue_id, started_at=started_at, errors=[])
            yield found.get(settings_pk), run


def main() -> None:
    send = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    receive = Connection(0, writable=False)
    config = receive.recv()
    setup(config)

    from django.db import connection

    from passculture.core.common import request_id
    from passculture.core.providers.allocine import sync

    at: dt.datetime | None = config["at"]
    with request_id.bound(config["request_id"]):
        send.send(("ready", os.getpid()))
        sync.sync_venues(_pairs(receive), at, on_done=lambda run, status: send.send(("done", run.pk, status)))
    connection.close()


if __name__ == "__main__":
    main()
