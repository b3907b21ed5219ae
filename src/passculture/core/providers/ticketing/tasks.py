"""Celery task for the calls to a cinema's cancelUrl and notificationUrl. The TicketingCall row is the
source of truth, as for emails: a lost or duplicated message costs nothing, because the claim prevents a
double call and the `ticketing_recovery` job sends whatever is still due."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def deliver_ticketing_call(call_id: int) -> str:
    return outbox.deliver_call(call_id)
