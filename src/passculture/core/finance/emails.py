"""Emails to the pro about their bank details (one builder per email, queued in the outbox)."""

from django.template.loader import render_to_string

from passculture.core.notifications.services import queue_email
from passculture.core.offerers.selectors import admin_emails_of_offerer

from .models import BankAccount


def recipients_for(account: BankAccount) -> list[str]:
    """The offerer's administrators (they handle the money) and the venue's booking address."""
    venue = account.venue
    emails = admin_emails_of_offerer(venue.offerer_id)
    if venue.booking_email:
        emails.append(venue.booking_email)
    unique: dict[str, None] = {}
    for email in emails:
        unique.setdefault(email.strip().lower(), None)
    return [email for email in unique if email]


def _queue(account: BankAccount, *, kind: str, subject: str, template: str) -> None:
    to = recipients_for(account)
    if not to:
        return
    context = {
        "subject": subject,
        "venue_name": account.venue.display_name,
        "offerer_name": account.venue.offerer.name,
        "masked_iban": account.masked_iban,
        "holder": account.holder,
        "bic": account.bic,
        "reason": account.rejection_reason,
    }
    queue_email(
        kind=kind,
        to=to,
        subject=subject,
        text_body=render_to_string(f"emails/finance/{template}.txt", context),
        html_body=render_to_string(f"emails/finance/{template}.html", context),
        related=account,
        quiet_in=account.venue.timezone,  # staff's decision on the bank details
    )


def notify_bank_account_accepted(account: BankAccount) -> None:
    _queue(
        account,
        kind="bank_account_accepted",
        subject=f"Coordonnées bancaires validées pour {account.venue.display_name}",
        template="bank_account_accepted",
    )


def notify_bank_account_rejected(account: BankAccount) -> None:
    _queue(
        account,
        kind="bank_account_rejected",
        subject=f"Coordonnées bancaires refusées pour {account.venue.display_name}",
        template="bank_account_rejected",
    )
