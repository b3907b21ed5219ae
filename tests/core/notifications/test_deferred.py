"""Emails built after the commit, by whoever delivers them, from the ids they are about (decision 0039)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from passculture.core.bookings import services as bookings
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.notifications import builders, deferred, services
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from passculture.core.offerers.models import Venue
from passculture.core.offers.models import Offer
from tests.conftest import utc

from .conftest import use_smtp

NOW = utc(2026, 12, 1, 9, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _rows(booking) -> dict[str, OutboxEmail]:
    return {e.kind: e for e in OutboxEmail.objects.filter(related_id=str(booking.pk))}


def test_the_booking_writes_small_rows_and_builds_nothing(beneficiary, stock, monkeypatch):
    def no_rendering(*args, **kwargs):
        raise AssertionError("an email was rendered inside the booking's transaction")

    monkeypatch.setattr(builders, "_render", no_rendering)
    booking = bookings.book_offer(beneficiary, stock.pk)

    rows = _rows(booking)
    assert set(rows) == {deferred.BOOKING_CONFIRMED_PRO, deferred.BOOKING_CONFIRMED_BENEFICIARY}
    for row in rows.values():
        assert (row.subject, row.text_body, row.html_body, row.attachments) == (
            deferred.PENDING_SUBJECT,
            "",
            "",
            [],
        )
        assert row.headers["Message-ID"]
        assert deferred.is_unbuilt(row)


def test_the_first_attempt_builds_the_message_and_stores_it(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk)
    row = _rows(booking)[deferred.BOOKING_CONFIRMED_BENEFICIARY]

    assert services.deliver_email(row.pk) == services.SENT

    row.refresh_from_db()
    [sent] = mail.outbox
    assert row.subject == sent.subject == f"Votre réservation est confirmée : {stock.offer.name}"
    assert row.text_body == sent.body and booking.token in row.text_body
    assert booking.token in row.html_body
    assert [a["content_type"] for a in row.attachments] == ["image/png"]


def test_a_retry_sends_the_message_built_at_the_first_attempt(
    settings, beneficiary, stock, smtp_down, clock, smtp_server
):
    booking = bookings.book_offer(beneficiary, stock.pk)
    row = _rows(booking)[deferred.BOOKING_CONFIRMED_BENEFICIARY]
    first_name = stock.offer.name
    assert services.deliver_email(row.pk) == services.RETRIED
    row.refresh_from_db()
    assert first_name in row.subject  # built, then the mail server refused the connection

    Offer.objects.filter(pk=stock.offer_id).update(name="Un autre titre")
    use_smtp(settings, smtp_server.port)
    assert services.deliver_email(row.pk, at=row.next_attempt_at) == services.SENT

    [envelope] = smtp_server.envelopes
    assert first_name in envelope.original_content.decode("utf-8", "replace")
    assert b"Un autre titre" not in envelope.original_content


def test_a_booking_cancelled_before_delivery_still_gets_its_confirmation_then_the_cancellation(
    beneficiary, stock, clock
):
    booking = bookings.book_offer(beneficiary, stock.pk)
    bookings.cancel_booking_by_beneficiary(beneficiary, booking.pk)

    counts = services.deliver_due_emails(at=NOW + dt.timedelta(seconds=1))

    assert counts[services.SENT] == 4
    to_young = [m.subject for m in mail.outbox if m.to == [beneficiary.email]]
    assert to_young == [
        f"Votre réservation est confirmée : {stock.offer.name}",
        f"Votre réservation est annulée : {stock.offer.name}",
    ]


def test_the_pro_email_goes_to_the_address_of_the_booking_time(beneficiary, stock, clock):
    promised = stock.offer.venue.booking_email
    booking = bookings.book_offer(beneficiary, stock.pk)
    Venue.objects.filter(pk=stock.offer.venue_id).update(booking_email="")

    row = _rows(booking)[deferred.BOOKING_CONFIRMED_PRO]
    assert services.deliver_email(row.pk) == services.SENT

    [sent] = mail.outbox
    assert sent.to == [promised]
    assert sent.reply_to == [beneficiary.email]
    assert booking.token in sent.subject


def test_an_erased_account_row_is_sent_as_erased_never_built(beneficiary, stock, clock):
    booking = bookings.book_offer(beneficiary, stock.pk)
    services.forget_address(beneficiary.email, "anonyme@invalid.example")

    row = _rows(booking)[deferred.BOOKING_CONFIRMED_BENEFICIARY]
    assert services.deliver_email(row.pk) == services.SENT

    row.refresh_from_db()
    [sent] = mail.outbox
    assert sent.to == ["anonyme@invalid.example"]
    assert sent.body == row.text_body == services.FORGOTTEN_BODY
    assert beneficiary.last_name not in sent.body


def test_an_email_about_a_vanished_booking_fails_like_a_refused_send_and_is_retried(
    beneficiary, stock, clock
):
    booking = bookings.book_offer(beneficiary, stock.pk)
    row = _rows(booking)[deferred.BOOKING_CONFIRMED_BENEFICIARY]
    Booking.objects.filter(pk=booking.pk).delete()  # a support script, say

    assert services.deliver_email(row.pk) == services.RETRIED

    row.refresh_from_db()
    assert row.status == EmailStatus.PENDING and row.attempts == 1
    assert "RelatedObjectGone" in row.last_error
    assert row.text_body == "" and mail.outbox == []


@pytest.mark.django_db
def test_a_deferred_row_queued_in_quiet_hours_waits_until_08_00_local(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk)
    OutboxEmail.objects.all().delete()
    with time_machine.travel(utc(2026, 12, 11, 22, 30), tick=False):  # 23:30 in Paris
        [row] = deferred.queue(
            [deferred.Deferred(deferred.BOOKING_CONFIRMED_BENEFICIARY, [beneficiary.email], booking)],
            quiet_in="Europe/Paris",
        )
    assert row.next_attempt_at == utc(2026, 12, 12, 7, 0)
    assert services.deliver_due_emails(at=utc(2026, 12, 12, 6, 59))[services.SENT] == 0
    assert services.deliver_due_emails(at=utc(2026, 12, 12, 7, 0))[services.SENT] == 1
    assert booking.token in mail.outbox[0].body


def test_only_registered_kinds_can_be_queued_without_their_message(beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk)
    with pytest.raises(ValueError):
        deferred.queue([deferred.Deferred("made_up_kind", [beneficiary.email], booking)])


def test_the_confirmation_without_a_venue_booking_email_goes_to_the_beneficiary_only(beneficiary, stock):
    Venue.objects.filter(pk=stock.offer.venue_id).update(booking_email="")
    Offer.objects.filter(pk=stock.offer_id).update(booking_email="")
    booking = bookings.book_offer(beneficiary, stock.pk)
    assert set(_rows(booking)) == {deferred.BOOKING_CONFIRMED_BENEFICIARY}
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
