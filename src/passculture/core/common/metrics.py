"""Prometheus metrics counted by the domain (docs/operations/observability.md, decision 0036).

Importable from anywhere in core: no HTTP here, only counters and histograms of prometheus_client.
Labels take bounded values only (route patterns, error codes, channels), never an id or a path.
Under gunicorn with several workers, set PROMETHEUS_MULTIPROC_DIR (before the processes start): each
process then writes its values to files there and /metrics adds them up; otherwise they live in memory.
What the database knows (outbox backlog, last success of each job, payment batches) is read when
Prometheus scrapes (interfaces/ops/collectors.py), not counted here.
"""

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from prometheus_client import Counter, Histogram, disable_created_metrics

from .exceptions import DomainError

# No `*_created` series beside each counter: noise for dashboards, and as many series again.
disable_created_metrics()

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")
OTHER = "OTHER"

HTTP_REQUEST_DURATION = Histogram(
    "passculture_http_request_duration_seconds",
    "Time to answer a request, by route pattern (never the raw path) and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_REQUESTS = Counter(
    "passculture_http_requests",
    "Requests answered, by route pattern, method and status code.",
    ["route", "method", "status"],
)
BOOKINGS_CREATED = Counter("passculture_bookings_created", "Bookings made (local or through ticketing).")
BOOKINGS_REFUSED = Counter(
    "passculture_bookings_refused", "Bookings refused, by the stable error code.", ["code"]
)
COUNTER_ATTEMPTS = Counter(
    "passculture_counter_attempts",
    "Countermark attempts at the counter, by channel (COUNTER, API_V2, PUBLIC_API), action and result.",
    ["channel", "action", "result"],
)
ALLOCINE_RUNS = Counter(
    "passculture_allocine_runs",
    "Allociné imports of one venue, by outcome (ok, partial, error).",
    ["outcome"],
)
JOB_RUNS = Counter(
    "passculture_job_runs", "Periodic job runs, by job and status (ok, error).", ["job", "status"]
)


def bounded_code(code: str) -> str:
    return code if _CODE.fullmatch(code or "") else OTHER


F = TypeVar("F", bound=Callable[..., Any])


def counts_bookings(func: F) -> F:
    """Counts each call of a booking service: created, or refused with its DomainError code."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            booking = func(*args, **kwargs)
        except DomainError as error:
            BOOKINGS_REFUSED.labels(code=bounded_code(error.code)).inc()
            raise
        BOOKINGS_CREATED.inc()
        return booking

    return wrapper  # type: ignore[return-value]


def counter_attempt(channel: str, action: str, result: str) -> None:
    COUNTER_ATTEMPTS.labels(
        channel=bounded_code(channel), action=action[:16], result=bounded_code(result)
    ).inc()


def allocine_run(outcome: str) -> None:
    ALLOCINE_RUNS.labels(outcome=outcome[:16]).inc()


def job_run(job: str, status: str) -> None:
    JOB_RUNS.labels(job=job[:100], status=status[:16]).inc()
