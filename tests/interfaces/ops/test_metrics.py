"""/metrics: never public (404 without METRICS_TOKEN, 401 without the right bearer token), the metric
names present, and the counts follow what happened (bookings, counter validations, requests by route)."""

import datetime as dt
import subprocess
import sys

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from passculture.core.bookings.services import CounterActor, book_offer, validate_countermark
from passculture.core.common.exceptions import DomainError
from passculture.core.finance.constants import PaymentLineStatus
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.finance.models import PaymentBatch, PaymentLine
from passculture.core.jobs.models import JobRun
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from passculture.core.offers.factories import StockFactory
from passculture.interfaces.ops import prometheus
from tests.conftest import utc

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[str, dict[tuple, float]]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_are_404_while_no_token_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_metrics_refuse_a_missing_or_wrong_token_with_401(client, token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert b"passculture_" not in response.content


def test_a_scrape_lists_the_domain_and_database_metrics(client, token):
    names = set(scrape(client))
    for expected in (
        "passculture_outbox_pending",
        "passculture_outbox_oldest_due_seconds",
        "passculture_job_last_success_timestamp_seconds",
        "passculture_job_interval_seconds",
        "passculture_scrape_error",
    ):
        assert expected in names


def test_bookings_created_and_refused_are_counted_by_code(beneficiary, stock):
    created = value("passculture_bookings_created_total")
    refused = value("passculture_bookings_refused_total", code="ALREADY_BOOKED")
    book_offer(beneficiary, stock.pk)
    with pytest.raises(Exception, match="ALREADY_BOOKED"):
        book_offer(beneficiary, stock.pk)
    assert value("passculture_bookings_created_total") == created + 1
    assert value("passculture_bookings_refused_total", code="ALREADY_BOOKED") == refused + 1


def test_counter_validations_are_counted_by_channel_and_appear_in_the_scrape(
    client, token, pro, beneficiary, venue
):
    stock = StockFactory(offer__venue=venue, beginning_datetime=NOW + dt.timedelta(hours=2))
    booking = book_offer(beneficiary, stock.pk)
    labels = {"channel": "COUNTER", "action": "use", "result": "VALIDATED"}
    refused = {"channel": "COUNTER", "action": "use", "result": "REFUSED"}
    before = value("passculture_counter_attempts_total", **labels)
    before_refused = value("passculture_counter_attempts_total", **refused)
    actor = CounterActor.for_user(pro)
    validate_countermark(actor, booking.token)
    with pytest.raises(DomainError):
        validate_countermark(actor, booking.token)  # already validated: refused
    assert value("passculture_counter_attempts_total", **labels) == before + 1
    assert value("passculture_counter_attempts_total", **refused) == before_refused + 1
    samples = scrape(client)
    assert samples["passculture_counter_attempts_total"][tuple(sorted(labels.items()))] == before + 1
    assert "passculture_bookings_created_total" in samples


def test_requests_are_timed_by_route_pattern_never_by_raw_path(client, token, stock):
    route = "/api/native/v1/offers/<offer_id>"
    count = value("passculture_http_request_duration_seconds_count", route=route, method="GET")
    assert client.get(f"/api/native/v1/offers/{stock.offer_id}").status_code == 200
    assert client.get("/api/native/v1/offers/987654321").status_code == 404
    assert value("passculture_http_request_duration_seconds_count", route=route, method="GET") == count + 2
    samples = scrape(client)
    statuses = {
        dict(labels)["status"]
        for labels in samples["passculture_http_requests_total"]
        if dict(labels)["route"] == route
    }
    assert {"200", "404"} <= statuses
    routes = {dict(labels)["route"] for labels in samples["passculture_http_requests_total"]}
    assert not any("987654321" in r or str(stock.offer_id) in r.split("/") for r in routes)


def test_the_outbox_backlog_and_its_lateness_are_read_at_scrape_time(client, token):
    OutboxEmail.objects.create(
        kind="k",
        to=["x@example.org"],
        subject="s",
        text_body="t",
        next_attempt_at=NOW - dt.timedelta(minutes=5),
    )
    OutboxEmail.objects.create(
        kind="k",
        to=["y@example.org"],
        subject="s",
        text_body="t",
        next_attempt_at=NOW + dt.timedelta(hours=8),
    )
    OutboxEmail.objects.create(
        kind="k",
        to=["z@example.org"],
        subject="s",
        text_body="t",
        next_attempt_at=NOW,
        status=EmailStatus.FAILED,
    )
    samples = scrape(client)
    emails = (("outbox", "emails"),)
    assert samples["passculture_outbox_pending"][emails] == 2
    assert samples["passculture_outbox_due"][emails] == 1
    assert samples["passculture_outbox_oldest_due_seconds"][emails] == 300
    assert samples["passculture_outbox_failed"][emails] == 1


def test_each_job_reports_its_last_success_even_after_a_failed_run(client, token):
    succeeded = NOW - dt.timedelta(hours=3)
    JobRun.objects.create(
        name="deliver_emails",
        last_started_at=NOW,
        last_finished_at=NOW,
        last_succeeded_at=succeeded,
        last_status="error",
    )
    samples = scrape(client)
    job = (("job", "deliver_emails"),)
    assert samples["passculture_job_last_success_timestamp_seconds"][job] == succeeded.timestamp()
    assert samples["passculture_job_last_run_failed"][job] == 1
    assert samples["passculture_job_last_success_timestamp_seconds"][(("job", "expire_bookings"),)] == 0


def test_the_latest_payment_batch_totals_by_transfer_status(client, token, venue):
    old = PaymentBatch.objects.create(cutoff=dt.date(2026, 2, 1), created_at=NOW)
    batch = PaymentBatch.objects.create(cutoff=dt.date(2026, 3, 1), created_at=NOW)
    account = BankAccountFactory(venue=venue)
    common = {
        "venue": venue,
        "bank_account": account,
        "creditor": "C",
        "iban": account.iban,
        "bic": account.bic,
    }
    PaymentLine.objects.create(batch=old, amount_cents=99_999, booking_count=1, **common)
    PaymentLine.objects.create(batch=batch, amount_cents=12_345, booking_count=3, **common)
    samples = scrape(client)
    pending = (("line_status", PaymentLineStatus.PENDING),)
    assert samples["passculture_payment_batch_last_amount_euros"][pending] == 123.45
    assert samples["passculture_payment_batch_last_transfers"][pending] == 1
    assert (
        samples["passculture_payment_batch_last_cutoff_timestamp_seconds"][()]
        == utc(2026, 2, 28, 23).timestamp()
    )
    assert samples["passculture_payment_batch_last_sent"][()] == 0


def test_a_failing_database_read_is_reported_not_fatal(client, token, monkeypatch):
    from passculture.core.finance import selectors

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "last_batch_totals", broken)
    samples = scrape(client)
    assert samples["passculture_scrape_error"][(("part", "payments"),)] == 1
    assert samples["passculture_scrape_error"][(("part", "outbox"),)] == 0


def test_multiprocess_mode_adds_up_what_every_process_counted(tmp_path, monkeypatch):
    # Two other processes (gunicorn workers, a Celery worker) count into the shared directory.
    script = (
        "from prometheus_client import Counter; "
        "Counter('passculture_allocine_runs', 'x', ['outcome']).labels(outcome='ok').inc(2)"
    )
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
            check=True,
            timeout=20,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    registry = prometheus.process_registry()
    assert registry is not REGISTRY
    assert registry.get_sample_value("passculture_allocine_runs_total", {"outcome": "ok"}) == 4
