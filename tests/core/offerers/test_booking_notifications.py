"""A venue's own booking address and its choice between an email per booking and a daily digest."""

import pytest
import time_machine

from passculture.core.common.models import AuditLog
from passculture.core.offerers import booking_notifications, services
from passculture.core.offerers.constants import BookingNotification
from passculture.core.offerers.exceptions import (
    BookingEmailTooLong,
    DigestNeedsBookingEmail,
    InvalidBookingEmail,
    InvalidBookingNotification,
    OffererAccessDenied,
)
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offerers.models import Venue
from tests.conftest import utc

pytestmark = pytest.mark.django_db

EACH, DIGEST = BookingNotification.EACH, BookingNotification.DIGEST


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def venue(member):
    return VenueFactory(offerer=member.offerer, booking_email="caisse@cinema.fr")


def _set(venue, member, email, mode):
    return booking_notifications.set_booking_notifications(
        venue, actor=member.user, booking_email=email, mode=mode
    )


def test_each_venue_of_a_structure_has_its_own_address_and_choice(member, venue):
    other = VenueFactory(offerer=member.offerer, booking_email="guichet@autre-salle.fr")
    _set(venue, member, "  recap@cinema.fr ", DIGEST)

    venue.refresh_from_db()
    other.refresh_from_db()
    assert (venue.booking_email, venue.booking_notification) == ("recap@cinema.fr", DIGEST)
    assert (other.booking_email, other.booking_notification) == ("guichet@autre-salle.fr", EACH)


def test_a_new_venue_gets_an_email_per_booking(member):
    assert VenueFactory(offerer=member.offerer).booking_notification == EACH


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("pas-une-adresse", InvalidBookingEmail),
        ("caisse@", InvalidBookingEmail),
        ("deux@adresses.fr, trois@adresses.fr", InvalidBookingEmail),
        ("a" * 64 + "@" + "b" * 190 + ".fr", BookingEmailTooLong),
    ],
)
def test_the_address_must_be_one_real_address_of_bounded_length(member, venue, email, error):
    with pytest.raises(error) as raised:
        _set(venue, member, email, EACH)
    assert raised.value.message.startswith("L'adresse e-mail de réservation")
    venue.refresh_from_db()
    assert venue.booking_email == "caisse@cinema.fr"


def test_the_digest_needs_an_address(member, venue):
    with pytest.raises(DigestNeedsBookingEmail):
        _set(venue, member, "", DIGEST)


def test_an_unknown_choice_is_refused(member, venue):
    with pytest.raises(InvalidBookingNotification):
        _set(venue, member, "caisse@cinema.fr", "WEEKLY")


def test_another_structure_pro_cannot_change_it(venue):
    stranger = MembershipFactory()
    with pytest.raises(OffererAccessDenied):
        _set(venue, stranger, "pirate@example.com", DIGEST)
    venue.refresh_from_db()
    assert (venue.booking_email, venue.booking_notification) == ("caisse@cinema.fr", EACH)


def test_leaving_the_digest_is_dated_so_its_last_days_are_still_sent(member, venue):
    _set(venue, member, "caisse@cinema.fr", DIGEST)
    assert Venue.objects.get(pk=venue.pk).digest_ended_at is None
    with time_machine.travel(utc(2026, 12, 10, 16, 0), tick=False):
        _set(venue, member, "caisse@cinema.fr", EACH)
    assert Venue.objects.get(pk=venue.pk).digest_ended_at == utc(2026, 12, 10, 16, 0)


def test_the_change_is_logged_without_the_address(member, venue):
    _set(venue, member, "recap@cinema.fr", DIGEST)
    log = AuditLog.objects.get(action="venue.booking_notifications_updated")
    assert log.actor == member.user
    assert log.data == {"changed": ["booking_email", "booking_notification"], "booking_notification": DIGEST}
    assert "recap@cinema.fr" not in str(log.data)


def test_the_venue_form_cannot_empty_the_address_of_a_venue_on_the_digest(member, venue):
    _set(venue, member, "caisse@cinema.fr", DIGEST)
    with pytest.raises(DigestNeedsBookingEmail):
        services.update_venue(venue, actor=member.user, booking_email="")
    services.update_venue(venue, actor=member.user, booking_email="autre@cinema.fr")
    assert Venue.objects.get(pk=venue.pk).booking_email == "autre@cinema.fr"


def test_the_venue_form_bounds_the_address_too(member, venue):
    with pytest.raises(BookingEmailTooLong):
        services.update_venue(venue, actor=member.user, booking_email="a" * 250 + "@b.fr")
