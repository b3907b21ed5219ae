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


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_push(self, push_id: int) -> str:
    from . import push_delivery

    outcome = push_delivery.deliver_push(push_id)
    if outcome == push_delivery.RETRIED:
        delay = push_delivery.seconds_until_next_attempt(push_id)
        if delay is not None:
            raise self.retry(countdown=delay, max_retries=settings.WEB_PUSH_MAX_ATTEMPTS)
    return outcome
