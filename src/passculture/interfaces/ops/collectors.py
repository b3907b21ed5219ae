"""Metrics read from the database when Prometheus scrapes: whatever the process, web node or worker,
that did the work, the database knows (outbox backlog, last success of each job, the latest payment
batch). A few bounded aggregate queries per scrape; a failing one is reported, never fatal."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from passculture.core.common.time import now as utcnow
from passculture.core.finance import selectors as finance
from passculture.core.finance.constants import PaymentBatchStatus
from passculture.core.jobs import selectors as jobs
from passculture.core.notifications import selectors as outbox
from passculture.core.providers.ticketing import selectors as ticketing

logger = logging.getLogger(__name__)
PARIS = ZoneInfo("Europe/Paris")


def _timestamp(moment) -> float:
    return moment.timestamp() if moment is not None else 0.0


class DatabaseCollector(Collector):
    def collect(self):
        errors = GaugeMetricFamily(
            "passculture_scrape_error",
            "1 when this part of the scrape failed to read the database.",
            labels=["part"],
        )
        for part, method in (("outbox", self._outbox), ("jobs", self._jobs), ("payments", self._payments)):
            try:
                families = list(method())
            except Exception:
                logger.exception("metrics: reading %s failed", part)
                errors.add_metric([part], 1)
                continue
            errors.add_metric([part], 0)
            yield from families
        yield errors

    def _outbox(self):
        at = utcnow()
        backlogs = {"emails": outbox.outbox_backlog(at), "ticketing_calls": ticketing.call_backlog(at)}
        described = {
            "pending": "Rows waiting to be sent (due now or later).",
            "due": "Rows due now and not sent yet.",
            "oldest_due_seconds": "How long the most overdue row has waited past its due time.",
            "oldest_age_seconds": "Age of the oldest row still waiting.",
        }
        for key, text in described.items():
            family = GaugeMetricFamily(f"passculture_outbox_{key}", text, labels=["outbox"])
            for name, backlog in backlogs.items():
                family.add_metric([name], backlog[key])
            yield family
        failed = GaugeMetricFamily(
            "passculture_outbox_failed", "Emails given up (failed for good).", labels=["outbox"]
        )
        failed.add_metric(["emails"], backlogs["emails"]["failed"])
        yield failed

    def _jobs(self):
        success = GaugeMetricFamily(
            "passculture_job_last_success_timestamp_seconds",
            "End of the job's last successful run (Unix time; 0 = never).",
            labels=["job"],
        )
        started = GaugeMetricFamily(
            "passculture_job_last_started_timestamp_seconds",
            "Start of the job's last run (0 = never).",
            labels=["job"],
        )
        failing = GaugeMetricFamily(
            "passculture_job_last_run_failed", "1 when the job's last finished run failed.", labels=["job"]
        )
        interval = GaugeMetricFamily(
            "passculture_job_interval_seconds", "How often the schedule runs the job.", labels=["job"]
        )
        for run in jobs.job_runs():
            success.add_metric([run["name"]], _timestamp(run["last_succeeded_at"]))
            started.add_metric([run["name"]], _timestamp(run["last_started_at"]))
            failing.add_metric([run["name"]], 1 if run["last_status"] == "error" else 0)
            interval.add_metric([run["name"]], run["every_seconds"])
        yield from (success, started, failing, interval)

    def _payments(self):
        batch = finance.last_batch_totals()
        cutoff = GaugeMetricFamily(
            "passculture_payment_batch_last_cutoff_timestamp_seconds",
            "Cut-off date of the latest payment batch.",
        )
        sent = GaugeMetricFamily(
            "passculture_payment_batch_last_sent", "1 once the latest batch was sent to the bank."
        )
        amount = GaugeMetricFamily(
            "passculture_payment_batch_last_amount_euros",
            "Amount of the latest batch, by transfer status.",
            labels=["line_status"],
        )
        lines = GaugeMetricFamily(
            "passculture_payment_batch_last_transfers",
            "Transfers of the latest batch, by status.",
            labels=["line_status"],
        )
        if batch is not None:
            # Cut-offs are dates in Europe/Paris (RULES.md "Reimbursement"): midnight there.
            midnight = dt.datetime.combine(batch["cutoff"], dt.time(), tzinfo=PARIS)
            cutoff.add_metric([], midnight.timestamp())
            sent.add_metric([], 1 if batch["status"] == PaymentBatchStatus.SENT else 0)
            for status, totals in sorted(batch["lines_by_status"].items()):
                amount.add_metric([status], totals["amount_cents"] / 100)
                lines.add_metric([status], totals["lines"])
        yield from (cutoff, sent, amount, lines)
