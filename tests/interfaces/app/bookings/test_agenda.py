"""The booking as an .ics file: the builder (frozen clock, overseas venue, venue without coordinates) and
the download route (only the booking's owner)."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from passculture.interfaces.app.bookings.agenda import DEFAULT_DURATION, booking_calendar
from tests.conftest import utc

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TICKET = "https://pass.example/reservations/1/"


@pytest.fixture
def reunion_booking(beneficiary):
    venue = VenueFactory(
        name="Ciné Cambaie",
        address="1 rue de l'Usine",
        postal_code="97460",
        city="Saint-Paul",
        department_code="974",
        timezone="Indian/Reunion",
        latitude="-20.998400",
        longitude="55.301200",
    )
    # 16:30 UTC is 20:30 in La Réunion (UTC+4, no summer time).
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__duration_minutes=105,
        offer__is_duo=True,
        beginning_datetime=utc(2026, 3, 20, 16, 30),
        version="VO",
    )
    return book_offer(beneficiary, stock.pk, 2)


def _event(content: bytes):
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_an_overseas_showtime_is_in_the_venues_timezone_with_its_definition(reunion_booking):
    content = booking_calendar(reunion_booking, ticket_url=TICKET, at=NOW)
    calendar, event = _event(content)
    assert b"DTSTART;TZID=Indian/Reunion:20260320T203000" in content
    assert b"DTEND;TZID=Indian/Reunion:20260320T221500" in content  # 105 minutes
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Indian/Reunion"]
    # The same instants as stored: a calendar in Paris shows 17h30.
    assert event.decoded("dtstart").astimezone(dt.UTC) == utc(2026, 3, 20, 16, 30)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=105)


def test_the_event_names_the_film_the_cinema_its_address_and_the_countermark(reunion_booking):
    calendar, event = _event(booking_calendar(reunion_booking, ticket_url=TICKET, at=NOW))
    assert str(calendar["VERSION"]) == "2.0" and "pass Culture" in str(calendar["PRODID"])
    assert str(event["SUMMARY"]) == "Orbite basse"
    assert str(event["LOCATION"]) == "Ciné Cambaie, 1 rue de l'Usine, 97460 Saint-Paul"
    geo = event["GEO"]
    assert (geo.latitude, geo.longitude) == (-20.9984, 55.3012)
    description = str(event["DESCRIPTION"])
    assert f"Contremarque : {reunion_booking.token}" in description
    assert "Places : 2 places (duo)" in description
    assert "Version : Version originale" in description
    assert TICKET in description and str(event["URL"]) == TICKET
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("dtstamp") == NOW
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -dt.timedelta(hours=1)


def test_the_uid_is_stable_across_downloads(reunion_booking, time_machine):
    _, first = _event(booking_calendar(reunion_booking, ticket_url=TICKET, at=NOW))
    time_machine.move_to(NOW + dt.timedelta(days=1), tick=False)
    _, second = _event(booking_calendar(reunion_booking, ticket_url=TICKET, at=NOW + dt.timedelta(days=1)))
    assert str(first["UID"]) == str(second["UID"]) == f"reservation-{reunion_booking.pk}@127.0.0.1"


def test_a_venue_without_coordinates_has_its_address_and_no_geo(beneficiary):
    venue = VenueFactory(name="Le Studio", latitude=None, longitude=None)
    stock = StockFactory(
        offer__venue=venue, offer__duration_minutes=None, beginning_datetime=utc(2026, 7, 14, 19, 0)
    )
    content = booking_calendar(book_offer(beneficiary, stock.pk), ticket_url=TICKET, at=NOW)
    _, event = _event(content)
    assert "GEO" not in event
    assert str(event["LOCATION"]) == "Le Studio, 10 boulevard Voltaire, 75011 Paris"
    # Summer time in Paris: 19:00 UTC is 21:00; no duration known, two hours.
    assert b"DTSTART;TZID=Europe/Paris:20260714T210000" in content
    assert event.decoded("dtend") - event.decoded("dtstart") == DEFAULT_DURATION == dt.timedelta(hours=2)


def test_a_cancelled_booking_cancels_the_same_event(beneficiary):
    booking = BookingFactory(
        user=beneficiary, status=BookingStatus.CANCELLED, cancelled_at=NOW, cancellation_reason="BENEFICIARY"
    )
    _, event = _event(booking_calendar(booking, ticket_url=TICKET, at=NOW))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("sequence") == 1
    assert not event.walk("VALARM")


def test_a_cinema_card_has_no_date_to_put_in_a_calendar(beneficiary):
    with pytest.raises(ValueError):
        booking_calendar(book_offer(beneficiary, ThingStockFactory().pk), ticket_url=TICKET, at=NOW)


# --- The route ---------------------------------------------------------------------------------------


def _url(booking) -> str:
    return reverse("app:booking_calendar", args=[booking.pk])


def test_the_url_is_the_contract():
    assert reverse("app:booking_calendar", args=[4]) == "/reservations/4/agenda.ics"


def test_the_owner_downloads_the_calendar_file(logged_in, reunion_booking):
    response = logged_in.get(_url(reunion_booking))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="seance-{reunion_booking.token.lower()}.ics"'
    )
    assert "private" in response["Cache-Control"]
    _, event = _event(response.content)
    assert str(event["URL"]) == f"http://127.0.0.1:8000/reservations/{reunion_booking.pk}/"


def test_another_beneficiary_gets_404(client, reunion_booking):
    intruder = UserFactory()
    DepositFactory(user=intruder)
    client.force_login(intruder)
    assert client.get(_url(reunion_booking)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, reunion_booking):
    response = client.get(_url(reunion_booking))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('app:login')}?next={_url(reunion_booking)}"


def test_a_pro_is_refused(client, reunion_booking):
    client.force_login(ProFactory())
    assert client.get(_url(reunion_booking)).status_code == 403


def test_a_cinema_card_booking_has_no_calendar_file(logged_in, beneficiary):
    assert logged_in.get(_url(book_offer(beneficiary, ThingStockFactory().pk))).status_code == 404


def test_an_unknown_booking_is_404(logged_in):
    assert logged_in.get("/reservations/999999/agenda.ics").status_code == 404


def test_the_ticket_links_the_calendar_file_and_the_directions(logged_in, reunion_booking):
    page = logged_in.get(reverse("app:booking", args=[reunion_booking.pk])).content.decode()
    assert f'href="{_url(reunion_booking)}" download data-calendar>Ajouter à mon agenda</a>' in page
    assert 'href="https://www.openstreetmap.org/directions?to=-20.998400%2C55.301200"' in page
