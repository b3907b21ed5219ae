"""Celery tasks. The outbox row is the source of truth: a lost or duplicated task message costs
nothing, because runjobs sends whatever is still PENDING and the claim prevents double sending."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_email(self, email_id: int) -> str:
    outcome = services.deliver_email(email_id)
    if outcome == services.RETRIED:
        delay = services.seconds_until_next_attempt(email_id)
        if delay is not None:
            # The worker retries on the outbox's backoff; if this re-enqueue fails, runjobs still will.
            raise self.retry(countdown=delay, max_retries=settings.EMAIL_MAX_ATTEMPTS)
    return outcome
