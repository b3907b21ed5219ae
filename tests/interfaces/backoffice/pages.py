"""Back-office test data and page list shared by the French-words crawl and the axe browser crawl: one
row of every model shown, one item waiting in each queue, and every page a staff member can open."""

import datetime as dt

from django.contrib import admin
from django.urls import reverse

from passculture.core.bookings.constants import CounterResult
from passculture.core.bookings.models import CounterAttempt
from passculture.core.common.audit import log_action
from passculture.core.common.time import now as utcnow
from passculture.core.films.services import find_or_create_film
from passculture.core.finance.constants import PaymentLineStatus
from passculture.core.finance.factories import BankAccountFactory, CustomReimbursementRuleFactory
from passculture.core.finance.models import PaymentBatch, PaymentLine
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.jobs.models import JobRun
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVanishedShowtime,
    AllocineVenueSettings,
)
from passculture.core.providers.ticketing.models import Provider, VenueProviderLink
from passculture.core.users.factories import UserFactory
from passculture.core.users.models import AccountDeletionRequest


def fill_back_office(booking) -> dict:
    """One row of every model, and one item waiting in each queue (around `booking`, a future showtime)."""
    now = utcnow()
    stock = booking.stock
    venue = stock.offer.venue
    CounterAttempt.objects.create(token=booking.token, booking=booking, result=CounterResult.VALIDATED)
    log_action("test.action", target=booking)
    OutboxEmail.objects.get_or_create(
        kind="test",
        subject="Sujet",
        text_body="Corps",
        defaults={"to": ["a@example.com"], "next_attempt_at": now},
    )
    JobRun.objects.get_or_create(name="deliver_emails")
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0001")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700)
    AllocineImportRun.objects.create(
        venue=venue, started_at=now, status=AllocineImportRun.Status.ERROR, errors=["Erreur"]
    )
    AllocineVanishedShowtime.objects.create(venue=venue, stock=stock, detected_at=now)
    AccountDeletionRequest.objects.create(user=UserFactory(is_active=False), requested_at=now)
    find_or_create_film(title="Anora", year=2024)
    offerer = OffererFactory(validation_status=ValidationStatus.NEW, name="Cinéma Nouveau")
    membership = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.NEW)
    account = BankAccountFactory(venue=venue)
    check = IdentityCheckFactory()
    accepted = BankAccountFactory(accepted=True)
    batch = PaymentBatch.objects.create(cutoff=dt.date(2026, 3, 16), created_at=now)
    line = PaymentLine.objects.create(
        batch=batch,
        venue=accepted.venue,
        bank_account=accepted,
        creditor="Cinéma",
        iban=accepted.iban,
        bic=accepted.bic,
        amount_cents=800,
        booking_count=1,
        status=PaymentLineStatus.ERROR,
        error_reason="IBAN clôturé",
        errored_at=now,
    )
    CustomReimbursementRuleFactory(venue=venue)
    provider = Provider.objects.create(
        name="Billetterie de test", booking_url="https://billetterie.example.com/r"
    )
    VenueProviderLink.objects.create(venue=venue, provider=provider, venue_id_at_provider="CINE-1")
    return {
        "provider": provider,
        "offerer": offerer,
        "membership": membership,
        "bank_account": account,
        "identity_check": check,
        "batch": batch,
        "payment_line": line,
    }


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def custom_pages(rows: dict) -> list[str]:
    """The back office's own pages (beside Django's admin) that answer a GET."""
    return [
        reverse("backoffice:queues"),
        reverse("backoffice:offerer-queue"),
        reverse("backoffice:membership-queue"),
        reverse("backoffice:bank-accounts"),
        reverse("backoffice:allocine-theaters"),
        reverse("backoffice:allocine-imports"),
        reverse("backoffice:identity-checks"),
        reverse("backoffice:identity-check", args=[rows["identity_check"].pk]),
        reverse("backoffice:credit-policies"),
        reverse("backoffice:payment-batches"),
        reverse("backoffice:payment-batch", args=[rows["batch"].pk]),
        reverse("backoffice:reimbursement-rules"),
        reverse("backoffice:ticketing-links"),
        reverse("backoffice:provider-keys", args=[rows["provider"].pk]),
    ]


def admin_pages(user) -> list[str]:
    """Every list of the admin, then for each model the form of one object (and its history), and the
    add form where staff may add."""

    class Request:
        pass

    request = Request()
    request.user = user
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue  # a model the staff role may not see (none today; the superuser sees the same pages)
        pages.append(_admin_url(model, "changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(_admin_url(model, "change", obj.pk))
            pages.append(_admin_url(model, "history", obj.pk))
        if model_admin.has_add_permission(request):
            pages.append(_admin_url(model, "add"))
    return pages
