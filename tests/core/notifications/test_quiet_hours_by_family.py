"""Quiet hours per family of email (decision 0033's table): at 23:30 local, what answers the recipient's
own action leaves at once and the rest waits for 08:00 local; at 12:00 everything leaves at once.
Local means the venue's clock for an email about a booking, overseas included."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.finance import emails as finance_emails
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.notifications import services
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.services import reject_offerer
from passculture.core.offers.factories import StockFactory
from passculture.core.users import accounts
from passculture.core.users.constants import Role
from passculture.core.users.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# (venue timezone, a postal code there)
PLACES = [("Europe/Paris", "75011"), ("Indian/Reunion", "97400"), ("America/Cayenne", "97300")]
DAY = dt.date(2026, 12, 7)


def local(tz: str, hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def _due(kind: str) -> dt.datetime:
    return OutboxEmail.objects.get(kind=kind).next_attempt_at


def _booking(tz: str, postal_code: str):
    venue = VenueFactory(timezone=tz, postal_code=postal_code)
    stock = StockFactory(
        offer__venue=venue, beginning_datetime=local(tz, 20, 30, DAY + dt.timedelta(days=10))
    )
    return BookingFactory(stock=stock, user=UserFactory(postal_code=postal_code))


def _at(tz: str, night: bool) -> tuple[dt.datetime, dt.datetime]:
    """The moment of the test, and when a deferred email is due: 23:30 -> 08:00 the next day; 12:00."""
    if night:
        return local(tz, 23, 30), local(tz, 8, 0, DAY + dt.timedelta(days=1))
    noon = local(tz, 12, 0)
    return noon, noon


@pytest.mark.parametrize("night", [True, False], ids=["23h30", "12h00"])
@pytest.mark.parametrize(("tz", "postal_code"), PLACES)
def test_a_booking_answers_the_young_person_at_once_and_waits_for_the_venue(tz, postal_code, night):
    booking = _booking(tz, postal_code)
    at, deferred = _at(tz, night)
    with time_machine.travel(at, tick=False):
        services.notify_booking_confirmed(booking)
    assert _due("booking_confirmed_beneficiary") == at
    assert _due("booking_confirmed_pro") == deferred


@pytest.mark.parametrize("night", [True, False], ids=["23h30", "12h00"])
@pytest.mark.parametrize(("tz", "postal_code"), PLACES)
@pytest.mark.parametrize(
    ("reason", "beneficiary_waits", "pro_waits"),
    [
        (CancellationReason.BENEFICIARY, False, True),
        (CancellationReason.OFFERER, True, False),
        (CancellationReason.EXPIRED, True, True),
        (CancellationReason.BACKOFFICE, True, True),
        (CancellationReason.FRAUD, True, True),
    ],
)
def test_a_cancellation_answers_whoever_cancelled_and_waits_for_the_other_side(
    tz, postal_code, night, reason, beneficiary_waits, pro_waits
):
    booking = _booking(tz, postal_code)
    at, deferred = _at(tz, night)
    booking.status, booking.cancellation_reason, booking.cancelled_at = BookingStatus.CANCELLED, reason, at
    booking.save()
    with time_machine.travel(at, tick=False):
        services.notify_booking_cancelled(booking)
    assert _due("booking_cancelled_beneficiary") == (deferred if beneficiary_waits else at)
    assert _due("booking_cancelled_pro") == (deferred if pro_waits else at)


@pytest.mark.parametrize("night", [True, False], ids=["23h30", "12h00"])
@pytest.mark.parametrize(("tz", "postal_code"), PLACES)
def test_a_moved_showtime_and_an_expiry_reminder_wait_for_the_venue_morning(tz, postal_code, night):
    booking = _booking(tz, postal_code)
    at, deferred = _at(tz, night)
    with time_machine.travel(at, tick=False):
        services.notify_showtime_moved(
            booking, old_start=booking.stock.beginning_datetime - dt.timedelta(hours=2)
        )
        services.notify_booking_expiry_reminder(booking)
    assert _due("showtime_moved_beneficiary") == deferred
    assert _due("booking_expiry_reminder") == deferred


@pytest.mark.parametrize(("tz", "postal_code"), PLACES)
def test_a_sign_in_link_asked_at_night_leaves_at_once(tz, postal_code):
    user = UserFactory(email="lea@example.com", postal_code=postal_code)
    at, _ = _at(tz, night=True)
    with time_machine.travel(at, tick=False):
        accounts.request_password_reset(user.email, roles=(Role.BENEFICIARY,))
    assert _due("account_beneficiary_password_reset") == at


@pytest.mark.parametrize("night", [True, False], ids=["23h30", "12h00"])
@pytest.mark.parametrize(("tz", "postal_code"), PLACES)
def test_staff_decisions_reach_pros_in_their_morning(tz, postal_code, night):
    offerer = OffererFactory(postal_code=postal_code, validation_status=ValidationStatus.PENDING)
    MembershipFactory(offerer=offerer, user__postal_code=postal_code)
    account = BankAccountFactory(venue=VenueFactory(offerer=offerer, timezone=tz, postal_code=postal_code))
    at, deferred = _at(tz, night)
    with time_machine.travel(at, tick=False):
        reject_offerer(offerer.pk, actor=StaffFactory(), reason="SIREN fermé")
        finance_emails.notify_bank_account_accepted(account)
    assert _due("offerer_rejected") == deferred
    assert _due("bank_account_accepted") == deferred
