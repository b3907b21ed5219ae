"""Read queries of the email outbox."""

import datetime as dt

from passculture.core.common.backlog import pending_backlog

from .models import EmailStatus, OutboxEmail


def outbox_backlog(at: dt.datetime) -> dict:
    """Emails waiting to be sent (count, due now, how late the oldest due is) and those given up."""
    backlog = pending_backlog(OutboxEmail.objects.filter(status=EmailStatus.PENDING), at)
    backlog["failed"] = OutboxEmail.objects.filter(status=EmailStatus.FAILED).count()
    return backlog
