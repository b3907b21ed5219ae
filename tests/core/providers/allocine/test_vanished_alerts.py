"""A booked future showtime that vanished from the feed: kept, one alert per disappearance, the alert
clears itself when Allociné lists the showtime again, and the pro may keep the showtime ("Garder")."""

import pytest
from django.apps import apps as django_apps

from passculture.core.bookings import services as bookings
from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.models import Offer
from passculture.core.offers.services import delete_stock
from passculture.core.providers.allocine import selectors, services
from passculture.core.providers.allocine.exceptions import AllocineAlertNotFound
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.providers.allocine.sync import ALERT_KIND
from passculture.core.users.factories import ProFactory
from tests.conftest import utc
from tests.core.providers.allocine.test_sync import (
    NORMAL,
    NOW,
    NUIT,
    Allocine,
    _connect,
    _feed_without,
    _live_stocks,
    _sync,
)
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
NUIT_ID = "TW92aWU6MzAwMDAz"
WITHOUT_NUIT = _feed_without(NORMAL, NUIT_ID)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def allocine() -> Allocine:
    return Allocine()


@pytest.fixture
def connected(venue, allocine):
    allocine.serve("P0001", NORMAL)
    return _connect(venue)


@pytest.fixture
def booked(connected, allocine, beneficiary):
    """A first import, then one place booked on the first showtime of "La Longue Nuit"."""
    _sync(connected, allocine)
    stock = _live_stocks(Offer.objects.get(provider_ref=NUIT))[0]
    bookings.book_offer(beneficiary, stock.pk, 1)
    stock.refresh_from_db()
    return stock


def _open_alerts():
    return list(AllocineVanishedShowtime.objects.filter(resolved_at__isnull=True))


def test_a_vanished_booked_showtime_opens_one_alert_and_one_email(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)

    _sync(connected, allocine)
    _sync(connected, allocine)

    [alert] = _open_alerts()
    assert (alert.stock_id, alert.venue_id, alert.detected_at) == (booked.pk, connected.venue_id, NOW)
    assert OutboxEmail.objects.filter(kind=ALERT_KIND).count() == 1
    # The film's JSON no longer carries alert bookkeeping.
    assert "allocine_vanished_alerted" not in Offer.objects.get(provider_ref=NUIT).extra_data


def test_a_showtime_listed_again_clears_its_alert_by_itself(connected, allocine, booked, time_machine):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    back = utc(2026, 12, 1, 18, 0)
    time_machine.move_to(back, tick=False)
    allocine.serve("P0001", NORMAL)

    _sync(connected, allocine)

    alert = AllocineVanishedShowtime.objects.get()
    assert alert.resolved_at == back
    assert _pending(connected.venue.offerer_id) == []


def test_a_showtime_vanishing_again_after_coming_back_alerts_again(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    allocine.serve("P0001", NORMAL)
    _sync(connected, allocine)
    allocine.serve("P0001", WITHOUT_NUIT)

    _sync(connected, allocine)

    assert AllocineVanishedShowtime.objects.count() == 2
    assert len(_open_alerts()) == 1
    assert OutboxEmail.objects.filter(kind=ALERT_KIND).count() == 2


def test_a_vanished_showtime_whose_bookings_were_cancelled_is_deleted_and_its_alert_closed(
    connected, allocine, booked, beneficiary
):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    booking = booked.bookings.get()
    bookings.cancel_booking_by_beneficiary(beneficiary, booking.pk)

    run = _sync(connected, allocine)

    assert run.showtimes_deleted == 1
    assert _open_alerts() == []


def test_a_showtime_the_pro_deleted_closes_its_alert_at_the_next_import(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    delete_stock(booked.pk)

    _sync(connected, allocine)

    assert _open_alerts() == []


def test_an_alert_within_an_invalid_film_is_left_alone(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    invalid = _feed_without(NORMAL, "nothing")
    for edge in invalid["movieShowtimeList"]["edges"]:
        if edge["node"]["movie"]["id"] == NUIT_ID:
            edge["node"]["movie"]["title"] = None  # the film is dropped as invalid
    allocine.serve("P0001", invalid)

    run = _sync(connected, allocine)

    assert any(error.startswith(f"Film {NUIT_ID} ignoré") for error in run.errors)
    assert len(_open_alerts()) == 1


# --- Dashboard list and "Garder la séance" ------------------------------------------------------------


def _pending(offerer_id):
    return selectors.vanished_showtime_alerts_of_offerers([offerer_id])


def _member_of(venue):
    user = ProFactory()
    MembershipFactory(user=user, offerer=venue.offerer)
    return user


def test_the_dashboard_lists_the_open_alerts_of_the_users_offerers_only(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    other = VenueFactory()

    [item] = _pending(connected.venue.offerer_id)

    assert item.stock == booked
    assert item.stock.offer.name == "La Longue Nuit"
    assert item.venue == connected.venue
    assert _pending(other.offerer_id) == []
    assert [a.pk for a in selectors.vanished_showtime_alerts_of_venue(connected.venue)] == [item.pk]


def test_a_past_showtime_leaves_the_dashboard(connected, allocine, booked, time_machine):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    time_machine.move_to(booked.beginning_datetime, tick=False)

    assert _pending(connected.venue.offerer_id) == []


def test_keeping_the_showtime_acknowledges_the_alert_with_an_audit_line(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    member = _member_of(connected.venue)
    alert = AllocineVanishedShowtime.objects.get()

    services.keep_vanished_showtime(member, alert.pk)

    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledged_by, alert.resolved_at) == (NOW, member, None)
    assert _pending(connected.venue.offerer_id) == []
    assert AuditLog.objects.filter(action="allocine.vanished_showtime_kept", actor=member).exists()
    # Still vanished at the next import: no new alert, no second email.
    _sync(connected, allocine)
    assert AllocineVanishedShowtime.objects.count() == 1
    assert OutboxEmail.objects.filter(kind=ALERT_KIND).count() == 1


def test_keeping_another_offerers_showtime_is_refused(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    alert = AllocineVanishedShowtime.objects.get()
    stranger = _member_of(VenueFactory())

    assert error_code(services.keep_vanished_showtime, stranger, alert.pk) == AllocineAlertNotFound.code
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_keeping_a_resolved_alert_is_refused(connected, allocine, booked):
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    allocine.serve("P0001", NORMAL)
    _sync(connected, allocine)
    alert = AllocineVanishedShowtime.objects.get()

    code = error_code(services.keep_vanished_showtime, _member_of(connected.venue), alert.pk)

    assert code == AllocineAlertNotFound.code


# --- Migration of the refs remembered in the offer's JSON ---------------------------------------------


def test_the_migration_turns_remembered_refs_into_open_alerts(connected, allocine, booked):
    migration = __import__(
        "passculture.core.providers.allocine.migrations.0004_vanished_showtime_alerts",
        fromlist=["alerted_refs_to_rows"],
    )
    offer = Offer.objects.get(provider_ref=NUIT)
    offer.extra_data = {**offer.extra_data, migration.OLD_ALERTED_KEY: [booked.provider_ref, "allocine:x"]}
    offer.save()

    migration.alerted_refs_to_rows(django_apps, None)

    [alert] = _open_alerts()
    assert (alert.stock_id, alert.venue_id) == (booked.pk, connected.venue_id)
    offer.refresh_from_db()
    assert migration.OLD_ALERTED_KEY not in offer.extra_data
    # Already emailed: the next import with the showtime still missing sends nothing more.
    allocine.serve("P0001", WITHOUT_NUIT)
    _sync(connected, allocine)
    assert not OutboxEmail.objects.filter(kind=ALERT_KIND).exists()
