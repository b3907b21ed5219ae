"""Celery tasks. The outbox row is the source of truth: a lost or duplicated task message costs
nothing, because runjobs sends whatever is still PENDING and the claim prevents double sending."""

import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_email(self, email_id: int) -> str:
    outcome = services.deliver_email(email_id)
    if outcome == services.RETRIED:
        delay = services.seconds_until_next_attempt(email_id)
        if delay is not None:
            # The worker retries on the outbox's backoff; if this re-enqueue fails, runjobs still will.
            raise self.retry(countdown=delay, max_retries=settings.EMAIL_MAX_ATTEMPTS)
    return outcome


@shared_task(acks_late=True, ignore_result=True)
def deliver_email_batch(email_ids: list[int]) -> list[str]:
    """Several emails queued by one change (a booking's two confirmations), one broker message
    (decision 0040). Each is claimed and sent on its own; one to retry gets its own `deliver_email`
    task at its backoff (if that enqueue fails, runjobs still sends it)."""
    outcomes = []
    for email_id in email_ids:
        outcome = services.deliver_email(email_id)
        if outcome == services.RETRIED:
            delay = services.seconds_until_next_attempt(email_id)
            if delay is not None:
                try:
                    deliver_email.apply_async((email_id,), countdown=delay)
                except Exception:
                    logger.warning("email %s: retry not enqueued, left for runjobs", email_id, exc_info=True)
        outcomes.append(outcome)
    return outcomes


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_push(self, push_id: int) -> str:
    from . import push_delivery

    outcome = push_delivery.deliver_push(push_id)
    if outcome == push_delivery.RETRIED:
        delay = push_delivery.seconds_until_next_attempt(push_id)
        if delay is not None:
            raise self.retry(countdown=delay, max_retries=settings.WEB_PUSH_MAX_ATTEMPTS)
    return outcome
