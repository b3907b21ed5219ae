"""A booked showtime moved by the cinema (rule B-MOVE, decision 0030): the limit, the email, the channels."""

import datetime as dt

import pytest

from passculture.core.bookings import rules
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    cancel_booking_by_offerer,
)
from passculture.core.credit.factories import DepositFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.services import update_stock
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.helpers import error_code

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
KIND = "showtime_moved_beneficiary"
# Sunday 15 March 2026, 20h00 in Paris; the beneficiary booked it an hour before NOW.
OLD_START = utc(2026, 3, 15, 19)
BOOKED_AT = NOW - H


def moved_emails():
    return list(OutboxEmail.objects.filter(kind=KIND).order_by("pk"))


@pytest.fixture
def show(venue):
    return StockFactory(offer__venue=venue, beginning_datetime=OLD_START, booking_limit_datetime=OLD_START)


@pytest.fixture
def booking(beneficiary, show):
    return book_offer(beneficiary, show.pk, at=BOOKED_AT)


# --- The rule, pure ---------------------------------------------------------------------------------


def test_the_notice_gives_48_hours_when_the_new_start_is_far():
    limit = rules.moved_showtime_cancellation_limit(
        booked_at=BOOKED_AT, new_start=NOW + 6 * 24 * H, notice_at=NOW, previous_limit=BOOKED_AT + 48 * H
    )
    assert limit == NOW + 48 * H


def test_never_after_the_new_start():
    # Moved to start in 10 h: cancellable until the show starts, not 48 h.
    assert (
        rules.moved_showtime_cancellation_limit(
            booked_at=BOOKED_AT, new_start=NOW + 10 * H, notice_at=NOW, previous_limit=BOOKED_AT + 48 * H
        )
        == NOW + 10 * H
    )


def test_a_later_limit_the_person_had_is_kept_capped_at_the_new_start():
    later = NOW + 60 * H
    assert (
        rules.moved_showtime_cancellation_limit(
            booked_at=BOOKED_AT, new_start=NOW + 6 * 24 * H, notice_at=NOW, previous_limit=later
        )
        == later
    )
    assert (
        rules.moved_showtime_cancellation_limit(
            booked_at=BOOKED_AT, new_start=NOW + 50 * H, notice_at=NOW, previous_limit=later
        )
        == NOW + 50 * H
    )


def test_the_normal_limit_for_the_new_start_is_a_floor():
    # A notice "before" the booking (a clock skew): the normal rule alone still holds.
    normal = rules.cancellation_limit(NOW, NOW + 6 * 24 * H)
    assert (
        rules.moved_showtime_cancellation_limit(
            booked_at=NOW, new_start=NOW + 6 * 24 * H, notice_at=NOW - 10 * H
        )
        == normal
    )


@pytest.mark.parametrize(
    ("delta", "is_move"), [(dt.timedelta(0), False), (59 * S, False), (-59 * S, False), (60 * S, True)]
)
def test_less_than_a_minute_is_no_move(delta, is_move):
    assert rules.is_real_move(OLD_START, OLD_START + delta) is is_move


# --- By hand (update_stock: the pro portal, and the public API's PATCH dates) ----------------------


def test_a_move_by_hand_gives_48_hours_from_the_notice_boundaries(
    beneficiary, booking, show, pro, time_machine
):
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)
    booking.refresh_from_db()
    limit = NOW + 48 * H
    assert booking.cancellation_limit_datetime == limit

    assert error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=limit + S) == (
        "CANCELLATION_LIMIT_PASSED"
    )
    time_machine.move_to(limit - S, tick=False)
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert Booking.objects.get(pk=booking.pk).status == "CANCELLED"


def test_a_show_moved_to_start_in_10_hours_is_cancellable_until_it_starts(beneficiary, booking, show, pro):
    new_start = NOW + 10 * H
    update_stock(show.pk, beginning=new_start, actor=pro)
    booking.refresh_from_db()
    assert booking.cancellation_limit_datetime == new_start
    assert error_code(cancel_booking_by_beneficiary, beneficiary, booking.pk, at=new_start + S) == (
        "CANCELLATION_LIMIT_PASSED"
    )
    cancel_booking_by_beneficiary(beneficiary, booking.pk, at=new_start - S)


def test_a_last_minute_booking_becomes_cancellable_after_a_move(beneficiary, pro, venue):
    # Booked 20 h before: final at once; the cinema moves it 3 days later: 48 h from the notice.
    stock = StockFactory(offer__venue=venue, beginning_datetime=NOW + 20 * H)
    booking = book_offer(beneficiary, stock.pk)
    assert booking.cancellation_limit_datetime == booking.booked_at
    update_stock(stock.pk, beginning=NOW + 72 * H, actor=pro, at=NOW + H)
    booking.refresh_from_db()
    assert booking.cancellation_limit_datetime == NOW + 49 * H
    cancel_booking_by_beneficiary(beneficiary, booking.pk, at=NOW + 49 * H - S)


def test_the_email_tells_the_old_and_the_new_time_and_the_limit(beneficiary, booking, show, pro):
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)

    [email] = moved_emails()
    assert email.to == [beneficiary.email]
    assert email.subject == f"Votre séance a changé d'horaire : {show.offer.name}"
    assert email.related_id == str(booking.pk)
    for body in (email.text_body, email.html_body):
        assert "dimanche 15 mars 2026 à 20h00" in body
        assert "lundi 16 mars 2026 à 20h00" in body
        assert "jusqu'au 12 mars 2026 à 13h00" in body
        assert booking.token in body
    assert "Ancien horaire : dimanche 15 mars 2026 à 20h00 (heure locale)" in email.text_body
    assert "Nouvel horaire : lundi 16 mars 2026 à 20h00 (heure locale)" in email.text_body
    assert "annuler gratuitement" in email.text_body


def test_overseas_times_are_in_the_venues_timezone(beneficiary, pro):
    reunion = VenueFactory(timezone="Indian/Reunion", postal_code="97400", department_code="974")
    from passculture.core.offerers.factories import MembershipFactory

    MembershipFactory(user=pro, offerer=reunion.offerer)
    start = utc(2026, 3, 15, 15)  # 19h00 in La Réunion (UTC+4)
    stock = StockFactory(offer__venue=reunion, beginning_datetime=start, booking_limit_datetime=start)
    book_offer(beneficiary, stock.pk, at=BOOKED_AT)

    update_stock(stock.pk, beginning=start + 24 * H, actor=pro)

    [email] = moved_emails()
    assert "Ancien horaire : dimanche 15 mars 2026 à 19h00 (heure locale)" in email.text_body
    assert "Nouvel horaire : lundi 16 mars 2026 à 19h00 (heure locale)" in email.text_body
    assert "jusqu'au 12 mars 2026 à 16h00" in email.text_body
    assert "lundi 16 mars 2026 à 19h00" in email.html_body


@pytest.mark.parametrize("delta", [dt.timedelta(0), 30 * S])
def test_a_no_op_or_a_move_under_a_minute_changes_nothing_and_sends_nothing(booking, show, pro, delta):
    before = booking.cancellation_limit_datetime
    update_stock(show.pk, beginning=OLD_START + delta, actor=pro)
    booking.refresh_from_db()
    assert booking.cancellation_limit_datetime == before
    assert moved_emails() == []


def test_the_same_move_twice_emails_once(booking, show, pro):
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)
    update_stock(show.pk, quantity=50, actor=pro)
    assert len(moved_emails()) == 1


def test_a_move_makes_the_reminder_before_the_show_due_again(booking, show, pro):
    Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=NOW)
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)
    booking.refresh_from_db()
    assert booking.reminder_sent_at is None


def test_each_confirmed_booking_is_told_once_cancelled_ones_are_not(booking, show, pro, venue):
    other, gone = UserFactory(), UserFactory()
    DepositFactory(user=other)
    DepositFactory(user=gone)
    book_offer(other, show.pk, 2 if show.offer.is_duo else 1, at=BOOKED_AT)
    cancelled = book_offer(gone, show.pk, at=BOOKED_AT)
    cancel_booking_by_offerer(CounterActor.for_user(pro), cancelled.pk)
    OutboxEmail.objects.all().delete()

    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)

    assert sorted(e.to[0] for e in moved_emails()) == sorted([booking.user.email, other.email])
    assert (
        Booking.objects.get(pk=cancelled.pk).cancellation_limit_datetime
        == cancelled.cancellation_limit_datetime
    )


def test_a_second_move_gives_48_hours_from_the_second_notice(booking, show, pro):
    update_stock(show.pk, beginning=OLD_START + 24 * H, actor=pro)
    update_stock(show.pk, beginning=OLD_START + 48 * H, actor=pro, at=NOW + 10 * H)
    booking.refresh_from_db()
    assert booking.cancellation_limit_datetime == NOW + 58 * H
    assert len(moved_emails()) == 2


# --- The counter: the person who comes to a moved show is not sent away ---------------------------


def test_the_counter_validates_a_moved_show_in_its_last_two_hours(booking, show, pro, counter):
    from passculture.core.bookings.services import validate_countermark

    new_start = NOW + 30 * H
    update_stock(show.pk, beginning=new_start, actor=pro)
    # Cancellable by the beneficiary until the show starts ...
    assert Booking.objects.get(pk=booking.pk).cancellation_limit_datetime == new_start
    # ... the counter waits until 2 h before it, and says so.
    assert error_code(validate_countermark, counter, booking.token, at=new_start - 2 * H - S) == (
        "BOOKING_NOT_YET_VALIDATABLE"
    )
    assert validate_countermark(counter, booking.token, at=new_start - 2 * H).status == "USED"


def test_counter_validatable_from_is_the_limit_for_every_booking_that_did_not_move():
    start = NOW + 5 * 24 * H
    for booked_at in (NOW, start - 72 * H, start - 10 * H):
        limit = rules.cancellation_limit(booked_at, start)
        assert rules.counter_validatable_from(limit, start) == limit
    assert rules.counter_validatable_from(None, None) is None
