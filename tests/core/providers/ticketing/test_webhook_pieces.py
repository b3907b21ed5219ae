"""Signing secret, webhook URLs, the selling switch, bad answers, emails with tickets (decision 0029)."""

import pytest
from django.core.exceptions import ValidationError

from passculture.core.bookings import services as booking_services
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.notifications import builders
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.providers.ticketing import client, links, outbox, signing
from passculture.core.providers.ticketing.models import (
    Provider,
    Ticket,
    TicketingCall,
    TicketStatus,
    VenueProviderLink,
    webhook_url,
)
from passculture.core.providers.ticketing.selectors import tickets_by_booking
from passculture.core.users.factories import ProFactory, StaffFactory

pytestmark = pytest.mark.django_db


# --- Signing secret ---------------------------------------------------------------------------------


def test_the_secret_is_derived_per_provider_and_version_and_never_stored(settings):
    settings.TICKETING_SIGNING_KEY = "k"
    provider = Provider.objects.create(name="P")
    with pytest.raises(DomainError) as exc:
        signing.secret_of(provider)
    assert exc.value.code == "TICKETING_SECRET_MISSING"

    made = signing.rotate_signing_secret(provider.pk, actor=StaffFactory())
    again = signing.rotate_signing_secret(provider.pk, actor=StaffFactory())

    assert made.clear_secret != again.clear_secret and len(again.clear_secret) == 64
    assert signing.secret_of(again.provider) == again.clear_secret
    assert signing.provider_secret(provider.pk + 1, 2) != again.clear_secret
    stored = str(list(Provider.objects.filter(pk=provider.pk).values()))
    assert again.clear_secret not in stored
    logs = str(list(AuditLog.objects.values()))
    assert "signing_secret_rotated" in logs and again.clear_secret not in logs


def test_only_staff_make_a_secret():
    provider = Provider.objects.create(name="P")
    with pytest.raises(DomainError):
        signing.rotate_signing_secret(provider.pk, actor=ProFactory())


# --- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("allowed", [True, False])
def test_http_only_on_loopback_and_only_when_allowed(settings, allowed):
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = allowed
    webhook_url("https://cinema.example/book")
    for url in ("http://cinema.example/book", "ftp://cinema.example/", "http://10.0.0.1/book"):
        with pytest.raises(ValidationError):
            webhook_url(url)
    if allowed:
        webhook_url("http://127.0.0.1:8765/book")
        webhook_url("http://localhost:8765/book")
    else:
        with pytest.raises(ValidationError):
            webhook_url("http://127.0.0.1:8765/book")


def test_a_plain_http_url_is_never_called(cinema, beneficiary, settings):
    settings.TICKETING_ALLOW_HTTP_LOOPBACK = False  # the provider's URLs are http://127.0.0.1
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert exc.value.code == "TICKETING_UNAVAILABLE"
    assert cinema.server.state.snapshot()["tickets"] == []


# --- Selling switch ----------------------------------------------------------------------------------


def test_a_member_stops_and_resumes_selling_with_an_audit_trail(cinema):
    member = MembershipFactory(offerer=cinema.link.venue.offerer).user
    links.set_selling(member, cinema.link, False)
    assert not VenueProviderLink.objects.get(pk=cinema.link.pk).is_selling
    links.set_selling(member, cinema.link, True)
    actions = list(
        AuditLog.objects.filter(action__startswith="ticketing_link.selling").values_list("action", flat=True)
    )
    assert sorted(actions) == ["ticketing_link.selling_resumed", "ticketing_link.selling_stopped"]


def test_an_outsider_cannot_switch(cinema):
    with pytest.raises(DomainError):
        links.set_selling(ProFactory(), cinema.link, False)
    assert VenueProviderLink.objects.get(pk=cinema.link.pk).is_selling


def test_a_stopped_link_still_cancels_its_tickets(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    VenueProviderLink.objects.filter(pk=cinema.link.pk).update(is_selling=False)
    booking_services.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    outbox.recover()
    assert cinema.active_barcodes() == set()


# --- Bad answers --------------------------------------------------------------------------------------


def test_a_2xx_with_too_few_tickets_is_refused_and_what_was_issued_is_cancelled(
    cinema, beneficiary, monkeypatch
):
    real_post = client.post

    def one_ticket_for_a_duo(link, kind, payload):
        answer = real_post(link, kind, payload)
        if kind == "booking" and isinstance(answer.body, dict):
            answer.body["tickets"] = answer.body["tickets"][:1]
        return answer

    monkeypatch.setattr(client, "post", one_ticket_for_a_duo)
    cinema.stock.offer.is_duo = True
    cinema.stock.offer.save()
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk, 2)
    assert exc.value.code == "TICKETING_UNAVAILABLE"
    assert TicketingCall.objects.get(kind="cancel").payload["barcodes"] == [Ticket.objects.get().barcode]
    monkeypatch.undo()
    outbox.recover()
    # The one we knew is cancelled; the other one never reached us (the contract's "answer nobody read").
    assert Ticket.objects.get().status == TicketStatus.CANCELLED
    assert len(cinema.active_barcodes()) == 1


def test_an_unknown_barcode_gives_up_at_once(cinema):
    call = outbox.queue_call(cinema.link, "cancel", {"barcodes": ["2000000000008"]})
    outbox.recover()
    call.refresh_from_db()
    assert (call.status, call.attempts) == ("failed", 1)


def test_notifications_are_retried_then_given_up(cinema, monkeypatch):
    import datetime as dt

    from passculture.core.common.time import now as utcnow

    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    cinema.server.state.set_faults(fail_next=5)
    call = outbox.queue_call(cinema.link, "notify", {"action": "BOOK"})
    outbox.recover()
    call.refresh_from_db()
    assert (call.status, call.attempts) == ("pending", 1)
    outbox.recover(at=utcnow() + dt.timedelta(hours=2))
    call.refresh_from_db()
    assert (call.status, call.attempts) == ("failed", 2)


def test_with_a_broker_a_call_is_a_workers_task_not_the_requests(
    cinema, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from passculture.core.providers.ticketing import tasks

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    enqueued = []
    monkeypatch.setattr(tasks.deliver_ticketing_call, "apply_async", lambda args, **kw: enqueued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        call = outbox.queue_call(cinema.link, "notify", {"action": "BOOK"})
    call.refresh_from_db()
    assert enqueued == [(call.pk,)]
    assert (call.status, call.attempts) == ("pending", 0)  # not called within the request
    assert tasks.deliver_ticketing_call(call.pk) == "sent"


def test_a_dead_broker_leaves_the_call_for_the_recovery_job(
    cinema, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from passculture.core.providers.ticketing import tasks

    def refuse(args, **kwargs):
        raise ConnectionError("broker down")

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(tasks.deliver_ticketing_call, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        call = outbox.queue_call(cinema.link, "notify", {"action": "BOOK"})
    outbox.recover()
    call.refresh_from_db()
    assert (call.status, call.attempts) == ("sent", 1)


# --- What people read -----------------------------------------------------------------------------------


def test_the_confirmation_email_shows_the_tickets_and_the_qr_is_the_barcode(cinema, beneficiary):
    booking = booking_services.book_offer(beneficiary, cinema.stock.pk)
    ticket = Ticket.objects.get(booking=booking)
    email = builders.booking_confirmed_to_beneficiary(booking)
    assert f"Billet : {ticket.barcode}, place A1" in email.text
    assert ticket.barcode in email.html and "QR code du billet" in email.html
    assert email.attachments[0].payload == ticket.barcode
    assert tickets_by_booking([booking.pk])[booking.pk][0].seat == "A1"


def test_urls_set_from_code_are_validated_and_a_venue_s_replaces_the_provider_s(cinema, settings):
    from passculture.core.providers.ticketing.webhook_urls import set_webhook_urls

    settings.TICKETING_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(DomainError) as exc:
        set_webhook_urls(cinema.link, booking_url="http://cinema.example/book")
    assert exc.value.code == "INVALID_WEBHOOK_URL"

    set_webhook_urls(cinema.link, booking_url=" https://cinema.example/book ", actor_label="api")
    link = VenueProviderLink.objects.select_related("provider").get(pk=cinema.link.pk)
    assert link.url("booking") == "https://cinema.example/book"
    assert link.url("cancel") == cinema.server.cancel_url  # the provider's
    set_webhook_urls(link, booking_url="")
    assert VenueProviderLink.objects.get(pk=link.pk).url("booking") == cinema.server.booking_url


def test_a_provider_without_a_secret_cannot_sell(cinema, beneficiary):
    Provider.objects.filter(pk=cinema.provider.pk).update(signing_key_version=0)
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(beneficiary, cinema.stock.pk)
    assert exc.value.code == "TICKETING_UNAVAILABLE"
    assert "secret" in VenueProviderLink.objects.get(pk=cinema.link.pk).last_error


def test_a_barcode_given_twice_by_the_vendor_is_a_failure(cinema, beneficiary, monkeypatch):
    from passculture.core.credit.factories import DepositFactory
    from passculture.core.users.factories import UserFactory

    first = booking_services.book_offer(beneficiary, cinema.stock.pk)
    reused = Ticket.objects.get(booking=first).barcode
    real_post = client.post

    def same_barcode(link, kind, payload):
        answer = real_post(link, kind, payload)
        if kind == "booking" and isinstance(answer.body, dict):
            answer.body["tickets"][0]["barcode"] = reused
        return answer

    monkeypatch.setattr(client, "post", same_barcode)
    other = UserFactory()
    DepositFactory(user=other)
    with pytest.raises(DomainError) as exc:
        booking_services.book_offer(other, cinema.stock.pk)
    assert exc.value.code == "TICKETING_UNAVAILABLE"
    assert Ticket.objects.get(barcode=reused).booking == first  # the first booking keeps its ticket
