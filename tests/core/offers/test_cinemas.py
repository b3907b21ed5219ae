"""Cinemas near someone and one cinema's programme (core/offers/cinemas.py), on a frozen clock."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.films.models import Film
from passculture.core.geo.directions import directions_to_venue, directions_url
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offerers.selectors import get_public_venue
from passculture.core.offers.cinemas import (
    MAX_NEARBY_VENUES,
    PROGRAMME_DAYS,
    venue_programme,
    venues_near,
)
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.offers.search import Position
from tests.conftest import utc
from tests.helpers import error_code

from .conftest import NOW
from .test_search import LYON, venue_at

pytestmark = pytest.mark.django_db

REUNION = Position(-20.882100, 55.450800)  # Saint-Denis, UTC+4


def showtime(venue, start: dt.datetime, **kwargs):
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue, **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def tomorrow_evening():
    return NOW + dt.timedelta(days=1, hours=8)


# --- Cinemas near a position ----------------------------------------------------------------------


def test_nearby_cinemas_come_nearest_first_with_their_distance_and_film_count():
    far = venue_at(LYON, 8, 90, name="Loin")
    near = venue_at(LYON, 2, 0, name="Près")
    first = showtime(near, tomorrow_evening())
    showtime(near, tomorrow_evening() + dt.timedelta(hours=2), offer=first.offer)  # same film again
    showtime(near, tomorrow_evening())
    showtime(far, tomorrow_evening())

    found = venues_near(LYON, at=NOW, radius_km=10)

    assert [(v.name, v.film_count) for v in found] == [("Près", 2), ("Loin", 1)]
    assert found[0].distance_km == pytest.approx(2, abs=0.01)
    assert found[1].distance_km == pytest.approx(8, abs=0.01)
    assert found[0].venue_id == near.pk


def test_a_cinema_outside_the_radius_is_not_near():
    showtime(venue_at(LYON, 12, 45), tomorrow_evening())

    assert venues_near(LYON, at=NOW, radius_km=10) == []
    assert len(venues_near(LYON, at=NOW, radius_km=20)) == 1


@pytest.mark.parametrize(
    "hidden",
    [
        dict(validation_status=ValidationStatus.PENDING),
        dict(offerer=lambda: OffererFactory(validation_status=ValidationStatus.NEW)),
        dict(offerer=lambda: OffererFactory(validation_status=ValidationStatus.REJECTED)),
    ],
    ids=["venue-not-validated", "offerer-new", "offerer-rejected"],
)
def test_a_cinema_of_a_venue_or_offerer_not_validated_is_not_listed(hidden):
    kwargs = {key: value() if callable(value) else value for key, value in hidden.items()}
    showtime(venue_at(LYON, 1, 0, **kwargs), tomorrow_evening())

    assert venues_near(LYON, at=NOW, radius_km=10) == []


def test_a_cinema_with_nothing_bookable_this_week_is_not_listed():
    venue = venue_at(LYON, 1, 0)
    showtime(venue, NOW + dt.timedelta(days=PROGRAMME_DAYS + 1))  # next week
    showtime(venue, NOW - dt.timedelta(hours=1))  # started
    showtime(venue, tomorrow_evening(), quantity=2, booked_quantity=2)  # sold out
    showtime(venue, tomorrow_evening(), is_deleted=True)
    showtime(venue, tomorrow_evening(), offer__is_active=False)
    ThingStockFactory(offer__venue=venue)  # a cinema card is not a showtime

    assert venues_near(LYON, at=NOW, radius_km=10) == []


def test_the_week_of_a_cinema_overseas_is_its_own():
    # 2026-03-10 12:00 UTC is 16:00 in La Réunion: its 7th day ends on 16 March at 24:00 local time,
    # 20:00 UTC; a showtime at 21:00 UTC is already on its 8th day.
    venue = VenueFactory(latitude="-20.882000", longitude="55.450000", timezone="Indian/Reunion")
    showtime(venue, utc(2026, 3, 16, 21, 0))
    assert venues_near(REUNION, at=NOW, radius_km=5) == []

    showtime(venue, utc(2026, 3, 16, 19, 30))
    assert [v.film_count for v in venues_near(REUNION, at=NOW, radius_km=5)] == [1]


def test_the_limit_keeps_the_nearest_and_bounds_the_queries():
    venues = [venue_at(LYON, 0.5 + n, 10 * n, name=f"Cinéma {n:02d}") for n in range(12)]
    for venue in venues:
        showtime(venue, tomorrow_evening())
    venue_at(LYON, 0.2, 0, name="Sans séance")

    with CaptureQueriesContext(connection) as queries:
        found = venues_near(LYON, at=NOW, radius_km=20, limit=3)

    assert [v.name for v in found] == ["Cinéma 00", "Cinéma 01", "Cinéma 02"]
    # Positions, one batch of film counts, the venues themselves.
    assert len(queries) == 3


@pytest.mark.parametrize("radius", [0, 7, 1000])
def test_a_radius_outside_the_choices_is_refused(radius):
    assert error_code(venues_near, LYON, at=NOW, radius_km=radius) == "INVALID_RADIUS"


def test_the_number_of_cinemas_asked_is_bounded():
    with pytest.raises(ValueError):
        venues_near(LYON, at=NOW, radius_km=20, limit=MAX_NEARBY_VENUES + 1)


# --- A cinema's programme -------------------------------------------------------------------------


def test_the_programme_groups_films_by_day_with_their_showtimes():
    venue = VenueFactory()
    evening = utc(2026, 3, 11, 19, 0)  # tomorrow 20:00 in Paris
    late = showtime(venue, evening + dt.timedelta(hours=2), offer__name="Orbite basse", version="VO")
    showtime(venue, evening, offer=late.offer, version="VF", price_cents=750, quantity=9)
    showtime(venue, evening + dt.timedelta(hours=1), offer__name="Le Phare")
    showtime(venue, utc(2026, 3, 13, 19, 0), offer=late.offer)

    programme = venue_programme(venue, at=NOW)

    assert programme.today == dt.date(2026, 3, 10)
    assert [day.day for day in programme.days] == [dt.date(2026, 3, 10 + n) for n in range(7)]
    assert programme.days[0].films == []
    tomorrow = programme.day(dt.date(2026, 3, 11))
    assert [film.name for film in tomorrow.films] == ["Orbite basse", "Le Phare"]
    orbite = tomorrow.films[0]
    assert [(s.local_beginning.strftime("%H:%M"), s.version) for s in orbite.showtimes] == [
        ("20:00", "VF"),
        ("22:00", "VO"),
    ]
    assert orbite.showtimes[0].price_cents == 750
    assert orbite.showtimes[0].seats_left == 9  # fewer than 10: said
    assert orbite.showtimes[1].seats_left is None  # 100 seats: not said
    assert [f.name for f in programme.day(dt.date(2026, 3, 13)).films] == ["Orbite basse"]
    assert programme.first_day_with_films.day == dt.date(2026, 3, 11)


def test_the_programme_shows_only_bookable_showtimes_of_active_films():
    venue = VenueFactory()
    bookable = showtime(venue, tomorrow_evening(), offer__name="Réservable")
    showtime(venue, tomorrow_evening(), offer=bookable.offer, quantity=3, booked_quantity=3)
    showtime(venue, tomorrow_evening(), offer__name="Désactivé", offer__is_active=False)
    showtime(venue, NOW - dt.timedelta(minutes=5), offer__name="Commencé")
    showtime(venue, NOW + dt.timedelta(days=8), offer__name="Plus tard")
    showtime(VenueFactory(), tomorrow_evening(), offer__name="Ailleurs")

    films = [film for day in venue_programme(venue, at=NOW).days for film in day.films]

    assert [(film.name, len(film.showtimes)) for film in films] == [("Réservable", 1)]


def test_the_days_of_an_overseas_cinema_are_its_local_days():
    # 21:00 UTC on 10 March: already 01:00 on 11 March in La Réunion, still 22:00 on the 10th in Paris.
    at = utc(2026, 3, 10, 21, 0)
    reunion = VenueFactory(timezone="Indian/Reunion")
    paris = VenueFactory()
    start = utc(2026, 3, 10, 22, 30)
    showtime(reunion, start)
    showtime(paris, start)

    overseas = venue_programme(reunion, at=at)
    assert overseas.today == dt.date(2026, 3, 11)
    assert overseas.days[0].films[0].showtimes[0].local_beginning.strftime("%d %H:%M") == "11 02:30"
    assert overseas.days[-1].day == dt.date(2026, 3, 17)

    mainland = venue_programme(paris, at=at)
    assert mainland.today == dt.date(2026, 3, 10)
    assert mainland.days[0].films[0].showtimes[0].local_beginning.strftime("%d %H:%M") == "10 23:30"


def test_a_film_linked_to_the_offer_fills_only_what_the_offer_lacks():
    film = Film.objects.create(
        title="Orbite basse", title_key="orbite basse", poster="films/orbite.png", duration_minutes=95
    )
    venue = VenueFactory()
    own = showtime(venue, tomorrow_evening(), offer__name="Orbite basse (VO)", offer__image="offers/own.png",
                   offer__duration_minutes=None, offer__film=film)  # fmt: skip
    bare = showtime(venue, tomorrow_evening(), offer__name="Sans affiche", offer__film=film)
    alone = showtime(venue, tomorrow_evening(), offer__name="Sans film")

    films = {f.offer_id: f for f in venue_programme(venue, at=NOW).days[1].films}

    assert films[own.offer_id].name == "Orbite basse (VO)"
    assert films[own.offer_id].poster.name == "offers/own.png"
    assert films[own.offer_id].duration_minutes == 95
    assert films[bare.offer_id].poster.name == "films/orbite.png"
    assert films[bare.offer_id].duration_minutes == 110
    assert films[alone.offer_id].poster is None


def test_the_programme_reads_a_bounded_number_of_queries():
    venue = VenueFactory()
    for n in range(6):
        showtime(venue, tomorrow_evening() + dt.timedelta(hours=n), offer__name=f"Film {n}")

    with CaptureQueriesContext(connection) as queries:
        programme = venue_programme(venue, at=NOW)
        names = [f.name for day in programme.days for f in day.films if f.poster is None]

    assert len(names) == 6
    assert len(queries) == 2  # showtimes, then their offers with their films


def test_a_venue_page_is_public_only_when_venue_and_offerer_are_validated():
    visible = VenueFactory()
    pending = VenueFactory(validation_status=ValidationStatus.PENDING)
    of_new_offerer = VenueFactory(offerer=OffererFactory(validation_status=ValidationStatus.NEW))

    assert get_public_venue(visible.pk) == visible
    assert get_public_venue(pending.pk) is None
    assert get_public_venue(of_new_offerer.pk) is None
    assert get_public_venue(999_999) is None


# --- Directions -----------------------------------------------------------------------------------


def test_directions_lead_to_the_route_planner_with_the_place_as_destination():
    assert (
        directions_url("45.757800", "4.832000")
        == "https://www.openstreetmap.org/directions?to=45.757800%2C4.832000"
    )
    assert directions_url(-20.8821, 55.4508).endswith("to=-20.882100%2C55.450800")
    assert directions_url(None, 4.83) == ""


def test_without_coordinates_directions_lead_to_the_address():
    venue = SimpleNamespace(latitude=None, longitude=None, full_address="12 rue de la République, 69002 Lyon")
    assert directions_to_venue(venue) == (
        "https://www.openstreetmap.org/directions?to=12+rue+de+la+R%C3%A9publique%2C+69002+Lyon"
    )
    assert directions_url(None, None, "  ") == ""
