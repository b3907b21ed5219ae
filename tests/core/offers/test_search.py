"""The geolocated search (core/offers/search.py): rules, edges, days on each venue's clock."""

import datetime as dt
import math
import random

import pytest
from django.db import connection

from passculture.core.geo.gazetteer import EARTH_RADIUS_KM, distance_km
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers import search
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.offers.search import (
    DateFilter,
    Position,
    SearchParams,
    build_search_params,
    same_film_nearby,
    search_showtimes,
    wider_radius_with_results,
)
from tests.helpers import error_code

from .conftest import NOW

pytestmark = pytest.mark.django_db

LYON = Position(45.757800, 4.832000)


def destination(origin: Position, distance: float, bearing_degrees: float) -> tuple[str, str]:
    """The point `distance` km away from `origin` in this direction, as a venue stores it (6 decimals)."""
    angular = distance / EARTH_RADIUS_KM
    bearing = math.radians(bearing_degrees)
    lat1, lon1 = math.radians(origin.latitude), math.radians(origin.longitude)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angular) + math.cos(lat1) * math.sin(angular) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angular) * math.cos(lat1),
        math.cos(angular) - math.sin(lat1) * math.sin(lat2),
    )
    lon = (math.degrees(lon2) + 540) % 360 - 180
    return f"{math.degrees(lat2):.6f}", f"{lon:.6f}"


def venue_at(origin: Position, distance: float, bearing: float = 0.0, **kwargs):
    latitude, longitude = destination(origin, distance, bearing)
    return VenueFactory(latitude=latitude, longitude=longitude, **kwargs)


def showtime(venue, start: dt.datetime, **kwargs):
    offer_kwargs = {k[7:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("offer__")}
    offer = kwargs.pop("offer", None) or OfferFactory(venue=venue, **offer_kwargs)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def near(position: Position = LYON, **kwargs) -> SearchParams:
    return SearchParams(position=position, **kwargs)


def found(params: SearchParams, at: dt.datetime = NOW) -> list:
    return [result.offer for result in search_showtimes(params, at=at).results]


# --- Radius and bounding box --------------------------------------------------------------------


@pytest.mark.parametrize("bearing", [0, 90, 180, 270, 45, 135])
def test_a_cinema_just_inside_the_radius_is_found_and_one_just_outside_is_not(bearing):
    inside = showtime(venue_at(LYON, 19.9, bearing), NOW + dt.timedelta(days=1)).offer
    showtime(venue_at(LYON, 20.1, bearing), NOW + dt.timedelta(days=1))

    assert found(near(radius_km=20)) == [inside]


def test_the_box_corner_is_outside_the_circle():
    # 25 km to the north-east is inside the 20 km box (its corner is 28 km away) but not the circle.
    showtime(venue_at(LYON, 25, 45), NOW + dt.timedelta(days=1))

    assert found(near(radius_km=20)) == []


@pytest.mark.parametrize("latitude", [-21.1, 0.0, 45.76, 50.63, 64.0])
@pytest.mark.parametrize("radius", [5, 20, 100])
def test_the_bounding_box_contains_every_point_of_the_circle(latitude, radius):
    origin = Position(latitude, 4.83)
    min_lat, max_lat, ranges = search.bounding_box(origin.latitude, origin.longitude, radius)
    for bearing in range(0, 360, 3):
        lat, lon = (float(v) for v in destination(origin, radius - 0.001, bearing))
        assert min_lat <= lat <= max_lat
        assert any(west <= lon <= east for west, east in ranges)


def test_the_search_crosses_the_antimeridian():
    # Wallis-et-Futuna lies next to 180°: a cinema 10 km away across the line is near.
    wallis = Position(-13.28, 179.99)
    venue = venue_at(wallis, 10, 90, timezone="Pacific/Wallis")
    assert float(venue.longitude) < -179
    offer = showtime(venue, NOW + dt.timedelta(days=1)).offer

    assert found(near(wallis, radius_km=20)) == [offer]


def test_venues_without_coordinates_are_never_found_near_a_point():
    showtime(VenueFactory(latitude=None, longitude=None), NOW + dt.timedelta(days=1))

    assert found(near(Position(48.858, 2.379), radius_km=100)) == []


@pytest.mark.parametrize("value", ["15", "0", "-20", "abc", "20.5", "1000"])
def test_only_the_offered_radii_are_accepted(value):
    assert error_code(build_search_params, at=NOW, radius_km=value) == "INVALID_RADIUS"


def test_the_radius_defaults_to_20_km():
    assert build_search_params(at=NOW).radius_km == 20
    assert build_search_params(at=NOW, radius_km="100").radius_km == 100


@pytest.mark.parametrize(
    ("latitude", "longitude", "code"),
    [
        ("91", "2", "INVALID_COORDINATES"),
        ("45", "181", "INVALID_COORDINATES"),
        ("nord", "2", "INVALID_COORDINATES"),
        ("nan", "2", "INVALID_COORDINATES"),
        ("45", None, "COORDINATES_INCOMPLETE"),
        (None, "4.8", "COORDINATES_INCOMPLETE"),
    ],
)
def test_coordinates_are_checked(latitude, longitude, code):
    assert error_code(build_search_params, at=NOW, latitude=latitude, longitude=longitude) == code


# --- Dates, on each venue's clock ---------------------------------------------------------------


def test_today_is_the_local_day_of_an_overseas_cinema():
    reunion = Position(-20.879, 55.4485)
    venue = VenueFactory(latitude="-20.879000", longitude="55.448500", timezone="Indian/Reunion")
    at = dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC)  # 2 December, 01:00 in La Réunion (UTC+4)
    # 22:00 UTC on the 1st is 02:00 on the 2nd there: "today" in La Réunion.
    tonight_utc = showtime(venue, dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)).offer
    this_evening = showtime(venue, dt.datetime(2026, 12, 2, 16, 0, tzinfo=dt.UTC)).offer  # 20:00 the 2nd
    showtime(venue, dt.datetime(2026, 12, 2, 20, 30, tzinfo=dt.UTC))  # 00:30 on the 3rd there

    today = near(reunion, date=DateFilter("today"))

    assert set(found(today, at)) == {tonight_utc, this_evening}


def test_tomorrow_in_guadeloupe_starts_at_local_midnight():
    venue = VenueFactory(latitude="16.241100", longitude="-61.533100", timezone="America/Guadeloupe")
    at = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)  # 1 December, 22:00 in Guadeloupe (UTC-4)
    late_today = showtime(venue, dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.UTC)).offer  # 23:30 the 1st
    tomorrow = showtime(venue, dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC)).offer  # 00:00 the 2nd
    position = Position(16.2411, -61.5331)

    assert found(near(position, date=DateFilter("today")), at) == [late_today]
    assert found(near(position, date=DateFilter("tomorrow")), at) == [tomorrow]


def test_week_is_today_and_the_six_next_local_days():
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    # NOW is 10 March 2026 at 13:00 in Lyon: the week runs to 16 March at midnight (local).
    last = showtime(venue, dt.datetime(2026, 3, 16, 22, 30, tzinfo=dt.UTC)).offer  # 23:30 on the 16th
    showtime(venue, dt.datetime(2026, 3, 16, 23, 0, tzinfo=dt.UTC))  # 00:00 on the 17th

    assert found(near(date=DateFilter("week"))) == [last]


def test_a_chosen_day_is_that_local_day():
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    on_the_day = showtime(venue, dt.datetime(2026, 3, 14, 19, 0, tzinfo=dt.UTC)).offer
    showtime(venue, dt.datetime(2026, 3, 15, 19, 0, tzinfo=dt.UTC))

    params = build_search_params(at=NOW, latitude="45.7578", longitude="4.832", date="2026-03-14")

    assert found(params) == [on_the_day]


@pytest.mark.parametrize("value", ["demain", "2026-13-01", "14/03/2026", "2026-03-14T20:00", "x" * 500])
def test_an_unknown_date_is_refused(value):
    assert error_code(build_search_params, at=NOW, date=value) == "INVALID_DATE"


def test_a_past_day_or_one_beyond_a_year_is_refused_with_an_explanation():
    assert error_code(build_search_params, at=NOW, date="2026-03-08") == "INVALID_DATE"
    assert error_code(build_search_params, at=NOW, date="2027-04-01") == "INVALID_DATE"
    # Yesterday in UTC is still today in French Polynesia: accepted.
    assert build_search_params(at=NOW, date="2026-03-09").date == DateFilter("day", dt.date(2026, 3, 9))


def test_date_keywords_ignore_case_and_spaces():
    assert build_search_params(at=NOW, date=" Today ").date == DateFilter("today")


# --- Text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("ete", "L'Été dernier"),
        ("LEON", "Léon"),
        ("été dern", "L'Été dernier"),
        ("coeur", "Le Cœur battant"),
        ("spiderman", "Spider-Man : Across the Spider-Verse"),
        ("  l'ete  ", "L'Été dernier"),
    ],
)
def test_the_title_search_ignores_case_accents_and_punctuation(typed, title):
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    offer = showtime(venue, NOW + dt.timedelta(days=1), offer__name=title).offer
    showtime(venue, NOW + dt.timedelta(days=1), offer__name="Autre film")

    assert found(near(text=typed)) == [offer]


def test_a_word_matches_the_start_of_a_title_word_not_its_middle():
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    showtime(venue, NOW + dt.timedelta(days=1), offer__name="La Complète")

    assert found(near(text="ete")) == []


def test_a_too_long_text_is_refused():
    assert error_code(build_search_params, at=NOW, text="a" * 101) == "SEARCH_TEXT_TOO_LONG"


# --- Bookable only ------------------------------------------------------------------------------


def test_only_bookable_showtimes_count():
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    soon = NOW + dt.timedelta(days=1)
    bookable = showtime(venue, soon, quantity=10, booked_quantity=9).offer
    showtime(venue, soon, offer__is_active=False)
    showtime(venue, soon, is_deleted=True)
    showtime(venue, soon, quantity=10, booked_quantity=10)  # sold out
    showtime(venue, NOW - dt.timedelta(minutes=5))  # started
    StockFactory(
        offer__venue=venue, beginning_datetime=soon, booking_limit_datetime=NOW - dt.timedelta(minutes=1)
    )
    other_offerer = VenueFactory(
        latitude="45.757800",
        longitude="4.832000",
        offerer=OffererFactory(validation_status=ValidationStatus.NEW),
    )
    showtime(other_offerer, soon)
    showtime(
        VenueFactory(latitude="45.757800", longitude="4.832000", validation_status=ValidationStatus.PENDING),
        soon,
    )
    ThingStockFactory(offer__venue=venue)  # a cinema card: not a showtime

    assert found(near()) == [bookable]
    assert found(SearchParams()) == [bookable]


def test_a_sold_out_showtime_does_not_hide_the_next_one_of_the_film():
    venue = VenueFactory(latitude="45.757800", longitude="4.832000")
    sold_out = showtime(venue, NOW + dt.timedelta(hours=3), quantity=5, booked_quantity=5)
    later = showtime(venue, NOW + dt.timedelta(hours=6), offer=sold_out.offer, quantity=5, booked_quantity=2)

    [result] = search_showtimes(near(), at=NOW).results

    assert result.next_start == later.beginning_datetime
    assert [(s.stock_id, s.remaining) for s in result.showtimes] == [(later.pk, 3)]
    assert result.showtime_count == 1


# --- Order, content, pages ----------------------------------------------------------------------


def test_results_are_sorted_by_distance_then_next_showtime():
    near_venue = venue_at(LYON, 2)
    far_venue = venue_at(LYON, 8)
    far_soon = showtime(far_venue, NOW + dt.timedelta(hours=2)).offer
    near_late = showtime(near_venue, NOW + dt.timedelta(days=3)).offer
    near_soon = showtime(near_venue, NOW + dt.timedelta(days=1)).offer

    assert found(near()) == [near_soon, near_late, far_soon]


def test_cinemas_at_the_same_distance_are_ordered_by_next_showtime_across_them():
    # Two cinemas geocoded to the same town centre: their films interleave by next showtime.
    first = VenueFactory(latitude="45.800000", longitude="4.900000")
    second = VenueFactory(latitude="45.800000", longitude="4.900000")
    a = showtime(first, NOW + dt.timedelta(hours=5)).offer
    b = showtime(second, NOW + dt.timedelta(hours=1)).offer
    c = showtime(first, NOW + dt.timedelta(hours=3)).offer

    assert found(near()) == [b, c, a]


def test_the_walk_never_stops_inside_a_group_of_cinemas_at_the_same_distance():
    # More cinemas at one distance than a first batch holds; the last created starts first.
    offers = [
        showtime(
            VenueFactory(latitude="45.800000", longitude="4.900000"), NOW + dt.timedelta(hours=60 - i)
        ).offer
        for i in range(30)
    ]

    assert found(near(limit=1)) == [offers[-1]]


def test_each_result_carries_distance_venue_next_showtimes_prices_and_duo():
    venue = venue_at(LYON, 3.2, 90, name="Ciné Rhône", city="Villeurbanne", address="1 cours Émile Zola")
    offer = OfferFactory(venue=venue, is_duo=True)
    starts = [NOW + dt.timedelta(days=1, hours=h) for h in (1, 3, 5, 7)]
    stocks = [
        showtime(venue, start, offer=offer, price_cents=price, version=version, quantity=quantity)
        for start, price, version, quantity in zip(
            starts, [700, 650, 900, 800], ["VF", "VO", "VF", "VO"], [None, 80, 80, 80], strict=True
        )
    ]

    [result] = search_showtimes(near(), at=NOW).results

    assert result.distance_km == pytest.approx(3.2, abs=0.01)
    assert (result.venue.display_name, result.venue.city) == ("Ciné Rhône", "Villeurbanne")
    assert (result.min_price_cents, result.max_price_cents, result.showtime_count) == (650, 900, 4)
    assert result.is_duo is True
    assert [s.stock_id for s in result.showtimes] == [s.pk for s in stocks[:3]]
    first = result.showtimes[0]
    assert (first.version, first.remaining, first.price_cents) == ("VF", None, 700)
    assert first.local_beginning.utcoffset() == dt.timedelta(hours=1)  # Paris in March
    assert result.showtimes[1].remaining == 80


def test_pages_follow_each_other_without_gap_nor_repeat():
    venues = [venue_at(LYON, 0.5 + i, 30 * i) for i in range(12)]
    offers = [showtime(v, NOW + dt.timedelta(hours=1 + i)).offer for i, v in enumerate(venues)]

    first = search_showtimes(near(limit=5), at=NOW)
    second = search_showtimes(near(limit=5, offset=5), at=NOW)
    last = search_showtimes(near(limit=5, offset=10), at=NOW)

    assert (first.has_more, second.has_more, last.has_more) == (True, True, False)
    assert (first.next_offset, last.next_offset) == (5, None)
    pages = [r.offer for page in (first, second, last) for r in page.results]
    assert pages == offers


TITLES = ["L'Été indien", "Hiver", "Été", "Le Printemps"]


@pytest.mark.parametrize("text", ["", "ete"])
def test_the_batched_walk_gives_the_brute_force_order(text):
    rng = random.Random(7)
    stocks = []
    for _ in range(25):
        venue = venue_at(LYON, rng.uniform(0, 30), rng.uniform(0, 360))
        for _ in range(rng.randint(1, 4)):
            offer = OfferFactory(venue=venue, name=rng.choice(TITLES))
            for _ in range(rng.randint(1, 3)):
                booked = rng.choice([0, 0, 0, 10])
                start = NOW + dt.timedelta(hours=rng.randint(1, 24 * 10))
                stocks.append(showtime(venue, start, offer=offer, quantity=10, booked_quantity=booked))
    expected: dict = {}
    for stock in stocks:
        venue = stock.offer.venue
        distance = distance_km(LYON.latitude, LYON.longitude, float(venue.latitude), float(venue.longitude))
        if distance > 20 or stock.booked_quantity >= stock.quantity:
            continue
        if text and "Été" not in stock.offer.name:
            continue
        key = expected.get(stock.offer_id)
        if key is None or stock.beginning_datetime < key[1]:
            expected[stock.offer_id] = (distance, stock.beginning_datetime, stock.offer_id)
    order = [offer_id for offer_id in sorted(expected, key=lambda i: expected[i])]

    walked = [r.offer.pk for r in search_showtimes(near(limit=50, text=text), at=NOW).results]
    small_pages = [
        r.offer.pk
        for o in range(0, 60, 3)
        for r in search_showtimes(near(limit=3, offset=o, text=text), at=NOW).results
    ]

    assert len(order) > 10
    assert walked == order
    assert small_pages == order


def test_a_search_costs_a_few_queries_whatever_the_number_of_cinemas(django_assert_max_num_queries):
    for i in range(30):
        venue = venue_at(LYON, 1 + i / 2, 12 * i)
        for j in range(3):
            showtime(venue, NOW + dt.timedelta(hours=1 + j))

    with django_assert_max_num_queries(4):
        page = search_showtimes(near(limit=10), at=NOW)
        assert [len(r.showtimes) for r in page.results] == [1] * 10


@pytest.mark.parametrize(
    ("limit", "offset"), [("0", None), ("51", None), (None, "-1"), (None, "501"), ("x", None)]
)
def test_pagination_is_checked(limit, offset):
    assert error_code(build_search_params, at=NOW, limit=limit, offset=offset) == "INVALID_PAGINATION"


# --- Without a position: nationwide, soonest first ----------------------------------------------


def test_without_a_position_the_soonest_showtimes_come_first_nationwide():
    paris = VenueFactory()
    reunion = VenueFactory(latitude="-20.879000", longitude="55.448500", timezone="Indian/Reunion")
    later = showtime(paris, NOW + dt.timedelta(days=2)).offer
    sooner = showtime(reunion, NOW + dt.timedelta(days=1)).offer
    showtime(paris, NOW + dt.timedelta(days=3), offer=sooner)

    page = search_showtimes(SearchParams(), at=NOW)

    assert [r.offer for r in page.results] == [sooner, later]
    assert page.results[0].distance_km is None
    assert page.results[0].showtime_count == 2


def test_nationwide_pages_and_text_filter():
    venue = VenueFactory()
    offers = [
        showtime(venue, NOW + dt.timedelta(hours=1 + i), offer__name=f"Été {i}").offer for i in range(5)
    ]
    showtime(venue, NOW + dt.timedelta(minutes=30), offer__name="Hiver")

    first = search_showtimes(SearchParams(text="ete", limit=2), at=NOW)
    rest = search_showtimes(SearchParams(text="ete", limit=2, offset=2), at=NOW)
    last = search_showtimes(SearchParams(text="ete", limit=2, offset=4), at=NOW)

    assert [r.offer for p in (first, rest, last) for r in p.results] == offers
    assert (first.has_more, last.has_more) == (True, False)


def test_nationwide_today_uses_each_venues_clock():
    at = dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC)  # the 1st at 22:00 in Paris, the 2nd in Réunion
    paris = VenueFactory()
    reunion = VenueFactory(timezone="Indian/Reunion")
    paris_tonight = showtime(paris, dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)).offer
    showtime(paris, dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))  # tomorrow in Paris
    reunion_today = showtime(reunion, dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)).offer

    page = search_showtimes(SearchParams(date=DateFilter("today")), at=at)

    assert [r.offer for r in page.results] == [paris_tonight, reunion_today]


# --- Empty pages and the film page --------------------------------------------------------------


def test_an_empty_page_suggests_the_next_radius_that_finds_something():
    showtime(venue_at(LYON, 35), NOW + dt.timedelta(days=1))

    assert wider_radius_with_results(near(radius_km=10), at=NOW) == 50
    assert wider_radius_with_results(near(Position(43.3, 5.37), radius_km=10), at=NOW) is None


def test_the_same_film_nearby_by_allocine_id_or_else_by_title():
    here = venue_at(LYON, 1)
    offer = showtime(here, NOW + dt.timedelta(days=1), offer__extra_data={"allocine_id": 42}).offer
    close = showtime(venue_at(LYON, 5), NOW + dt.timedelta(days=1), offer__extra_data={"allocine_id": 42})
    farther = showtime(venue_at(LYON, 12), NOW + dt.timedelta(days=2), offer__extra_data={"allocine_id": 42})
    showtime(venue_at(LYON, 80), NOW + dt.timedelta(days=1), offer__extra_data={"allocine_id": 42})
    showtime(venue_at(LYON, 2), NOW + dt.timedelta(days=1), offer__extra_data={"allocine_id": 7})
    showtime(venue_at(LYON, 3), NOW + dt.timedelta(days=9), offer__extra_data={"allocine_id": 42})

    elsewhere = same_film_nearby(offer, at=NOW, position=LYON)

    assert [e.offer for e in elsewhere] == [close.offer, farther.offer]
    assert [s.stock_id for s in elsewhere[0].showtimes] == [close.pk]

    titled = showtime(here, NOW + dt.timedelta(days=1), offer__name="Léon").offer
    other = showtime(venue_at(LYON, 4), NOW + dt.timedelta(days=1), offer__name="Léon").offer
    assert [e.offer for e in same_film_nearby(titled, at=NOW)] == [other]


# --- Places -------------------------------------------------------------------------------------


def test_a_postal_code_is_located_with_the_gazetteer():
    place = search.locate("69001")

    assert place.label == "Lyon (69001)"
    assert distance_km(place.latitude, place.longitude, 45.7578, 4.832) < 5


def test_a_town_name_is_located_whatever_its_accents():
    assert search.locate("saint etienne").label.startswith("Saint-Étienne (42")


def test_an_unknown_place_is_refused():
    assert error_code(search.locate, "Zzyzx-les-Bains") == "PLACE_NOT_FOUND"


def test_an_address_goes_to_the_national_address_api_when_configured(settings, httpserver):
    settings.ADRESSE_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/search/").respond_with_json(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [4.8357, 45.764]},
                    "properties": {"label": "20 Place des Terreaux 69001 Lyon", "score": 0.93},
                }
            ],
        }
    )

    place = search.locate("20 place des Terreaux, Lyon")

    assert (place.latitude, place.longitude, place.label) == (
        45.764,
        4.8357,
        "20 Place des Terreaux 69001 Lyon",
    )


# --- Indexes ------------------------------------------------------------------------------------


def _index_columns(table: str, name: str) -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return constraints[name]["columns"]


def test_the_search_indexes_exist_on_both_databases():
    assert _index_columns("offerers_venue", "venue_coordinates_idx") == ["latitude", "longitude"]
    assert _index_columns("offers_stock", "stock_offer_start_idx") == ["offer_id", "beginning_datetime"]
