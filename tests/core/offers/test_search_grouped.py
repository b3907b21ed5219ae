"""The search grouped by film (core/offers/search/grouped.py) and its new filters."""

import datetime as dt

import pytest

from passculture.core.films.services import find_or_create_film
from passculture.core.offers.search import (
    DateFilter,
    Position,
    SearchParams,
    build_search_params,
    search_films,
    search_showtimes,
    widening_suggestions,
)
from tests.helpers import error_code

from .conftest import NOW
from .test_search import LYON, showtime, venue_at

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def film(title="Le Film", allocine_id=""):
    return find_or_create_film(title=title, allocine_id=allocine_id)


def keys(page):
    return [result.key for result in page.results]


def test_one_result_per_film_at_its_nearest_cinema_with_the_count_of_cinemas():
    dune = film("Dune", "1001")
    near_venue, far_venue, farther = venue_at(LYON, 2), venue_at(LYON, 8, 90), venue_at(LYON, 15, 180)
    showtime(far_venue, NOW + DAY, offer__film=dune, offer__name="Dune")
    nearest = showtime(near_venue, NOW + 2 * DAY, offer__film=dune, offer__name="Dune")
    showtime(farther, NOW + DAY, offer__film=dune, offer__name="Dune")
    other = showtime(far_venue, NOW + DAY, offer__name="Sans film")

    page = search_films(SearchParams(position=LYON), at=NOW)

    assert keys(page) == [f"film-{dune.pk}", f"offer-{other.offer.pk}"]
    first = page.results[0]
    assert first.offer == nearest.offer and first.title == "Dune"
    assert first.cinema_count == 3
    assert round(first.distance_km) == 2
    assert [chip.stock_id for chip in first.showtimes] == [nearest.pk]  # chips of the nearest cinema
    assert page.results[1].cinema_count == 1


def test_an_offer_without_a_film_is_its_own_film_and_the_per_showing_search_is_unchanged():
    venue = venue_at(LYON, 3)
    a = showtime(venue, NOW + DAY, offer__name="Même titre")
    b = showtime(venue_at(LYON, 5), NOW + DAY, offer__name="Même titre")
    assert keys(search_films(SearchParams(position=LYON), at=NOW)) == [
        f"offer-{a.offer.pk}",
        f"offer-{b.offer.pk}",
    ]
    assert len(search_showtimes(SearchParams(position=LYON), at=NOW).results) == 2


def test_paging_counts_films_not_showings():
    films = [film(f"Film {i}") for i in range(3)]
    for distance in (1, 2, 3, 4):
        venue = venue_at(LYON, distance, 30 * distance)
        for item in films:
            showtime(venue, NOW + DAY, offer__film=item)
    first = search_films(SearchParams(position=LYON, limit=2), at=NOW)
    second = search_films(SearchParams(position=LYON, limit=2, offset=2), at=NOW)
    assert len(first.results) == 2 and first.has_more and first.next_offset == 2
    assert len(second.results) == 1 and not second.has_more
    assert {r.film for r in first.results + second.results} == set(films)
    assert all(r.cinema_count == 4 for r in first.results + second.results)


def test_nationwide_groups_by_film_at_the_soonest_showing():
    dune = film("Dune")
    later = showtime(venue_at(LYON, 2), NOW + 2 * DAY, offer__film=dune)
    sooner = showtime(venue_at(Position(48.85, 2.35), 1), NOW + DAY, offer__film=dune)
    page = search_films(SearchParams(), at=NOW)
    assert keys(page) == [f"film-{dune.pk}"]
    assert page.results[0].offer == sooner.offer
    assert page.results[0].distance_km is None
    assert page.results[0].cinema_count == 2
    assert later.offer != sooner.offer


@pytest.mark.parametrize("nationwide", [False, True])
def test_version_budget_duo_and_accessibility_filters(nationwide):
    position = None if nationwide else LYON
    plain = venue_at(LYON, 2)
    accessible = venue_at(LYON, 3, motor_disability_accessible=True)
    vo = showtime(plain, NOW + DAY, version="VO", price_cents=9_00)
    cheap = showtime(plain, NOW + DAY, version="VF", price_cents=4_00)
    duo = showtime(plain, NOW + DAY, version="VF", price_cents=7_00, offer__is_duo=True)
    ramp = showtime(accessible, NOW + DAY, version="VF", price_cents=8_00)

    def offers(**filters):
        return {r.offer for r in search_films(SearchParams(position=position, **filters), at=NOW).results}

    assert offers(version="VO") == {vo.offer}
    assert offers(max_price_cents=5_00) == {cheap.offer}
    assert offers(duo_only=True) == {duo.offer}
    assert offers(accessibility="any") == {ramp.offer}
    assert offers(accessibility="motor") == {ramp.offer}
    assert offers(accessibility="visual") == set()
    assert offers(max_price_cents=0) == set()


def test_the_chips_follow_the_filters():
    venue = venue_at(LYON, 2)
    vf = showtime(venue, NOW + DAY, version="VF")
    vo = showtime(venue, NOW + 2 * DAY, version="VO", offer=vf.offer)
    result = search_films(SearchParams(position=LYON, version="VO"), at=NOW).results[0]
    assert [chip.stock_id for chip in result.showtimes] == [vo.pk]


def test_a_day_filter_is_the_venues_own_day():
    venue = venue_at(LYON, 2)
    showtime(venue, NOW + DAY)
    assert search_films(SearchParams(position=LYON, date=DateFilter("today")), at=NOW).results == []
    assert len(search_films(SearchParams(position=LYON, date=DateFilter("tomorrow")), at=NOW).results) == 1


def test_an_empty_result_suggests_what_to_widen():
    showtime(venue_at(LYON, 30), NOW + 3 * DAY, version="VF", price_cents=9_00)
    params = SearchParams(
        position=LYON, radius_km=50, version="VO", max_price_cents=5_00, date=DateFilter("today")
    )
    assert search_films(params, at=NOW).results == []
    assert widening_suggestions(params, at=NOW) == []  # no single change finds it
    narrow = SearchParams(position=LYON, radius_km=20)
    assert [(w.kind, w.radius_km) for w in widening_suggestions(narrow, at=NOW)] == [("radius", 50)]
    by_version = SearchParams(position=LYON, radius_km=50, version="VO")
    assert [w.kind for w in widening_suggestions(by_version, at=NOW)] == ["version"]
    assert "VO" in widening_suggestions(by_version, at=NOW)[0].label
    by_budget_and_day = SearchParams(
        position=LYON, radius_km=50, max_price_cents=9_00, date=DateFilter("today")
    )
    assert [w.kind for w in widening_suggestions(by_budget_and_day, at=NOW)] == ["date"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("version", "VOST", "INVALID_VERSION"),
        ("version", "x" * 500, "INVALID_VERSION"),
        ("max_price", "-1", "INVALID_BUDGET"),
        ("max_price", "1.5", "INVALID_BUDGET"),
        ("max_price", "100001", "INVALID_BUDGET"),
        ("max_price", "9" * 40, "INVALID_BUDGET"),
        ("max_price", "１２", "INVALID_BUDGET"),
        ("duo", "maybe", "INVALID_FLAG"),
        ("accessibility", "wheelchair", "INVALID_ACCESSIBILITY"),
    ],
)
def test_new_filters_are_checked_with_stable_codes(field, value, code):
    assert error_code(lambda: build_search_params(at=NOW, **{field: value})) == code


def test_new_filters_parse():
    params = build_search_params(at=NOW, version="vo", max_price="21250", duo="true", accessibility="Motor")
    assert (params.version, params.max_price_cents, params.duo_only, params.accessibility) == (
        "VO",
        21250,
        True,
        "motor",
    )
    empty = build_search_params(at=NOW, version="", max_price="", duo="", accessibility="")
    assert (empty.version, empty.max_price_cents, empty.duo_only, empty.accessibility) == (
        "",
        None,
        False,
        "",
    )
