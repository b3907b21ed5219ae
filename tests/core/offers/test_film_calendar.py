"""The film calendar (core/offers/search/calendar.py): one film's showtimes by day then cinema."""

import datetime as dt

import pytest

from passculture.core.films.services import find_or_create_film
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.search import check_period, film_calendar, film_info, find_film_ref
from tests.conftest import utc
from tests.helpers import error_code

from .conftest import NOW
from .test_search import LYON, showtime, venue_at

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def calendar(ref, **kwargs):
    first, last = check_period(kwargs.pop("first", None), kwargs.pop("last", None), today=TODAY)
    return film_calendar(ref, at=NOW, first=first, last=last, **kwargs)


def test_cinemas_by_distance_each_day_with_their_showtimes():
    dune = find_or_create_film(title="Dune", allocine_id="1001")
    near, far = venue_at(LYON, 2), venue_at(LYON, 9, 90)
    far_evening = showtime(far, utc(2026, 3, 11, 19, 0), offer__film=dune, version="VO", price_cents=6_50)
    near_evening = showtime(near, utc(2026, 3, 11, 20, 30), offer__film=dune)
    near_afternoon = showtime(near, utc(2026, 3, 11, 14, 0), offer=near_evening.offer)
    showtime(near, utc(2026, 3, 13, 18, 0), offer=near_evening.offer, quantity=10, booked_quantity=7)
    showtime(far, utc(2026, 3, 11, 19, 0), offer__name="Un autre film")

    result = calendar(find_film_ref(film_id=dune.pk), position=LYON, radius_km=20)

    assert result.days_with_showtimes == [dt.date(2026, 3, 11), dt.date(2026, 3, 13)]
    wednesday = result.on(dt.date(2026, 3, 11))
    assert [c.offer for c in wednesday.cinemas] == [near_evening.offer, far_evening.offer]
    assert [s.stock_id for s in wednesday.cinemas[0].showtimes] == [near_afternoon.pk, near_evening.pk]
    assert wednesday.cinemas[0].showtimes[0].local_beginning.hour == 15  # Paris: UTC+1
    assert (wednesday.cinemas[1].showtimes[0].version, wednesday.cinemas[1].showtimes[0].price_cents) == (
        "VO",
        650,
    )
    friday = result.on(dt.date(2026, 3, 13)).cinemas[0].showtimes[0]
    assert friday.seats_told == 3  # fewer than 10 left: told
    assert wednesday.cinemas[0].showtimes[0].seats_told is None  # 100 left: not told


def test_outside_the_radius_and_past_the_period_are_left_out():
    dune = find_or_create_film(title="Dune")
    showtime(venue_at(LYON, 30), NOW + dt.timedelta(days=1), offer__film=dune)
    showtime(venue_at(LYON, 3), NOW + dt.timedelta(days=20), offer__film=dune)
    ref = find_film_ref(film_id=dune.pk)
    assert calendar(ref, position=LYON, radius_km=20).days == []
    assert len(calendar(ref, position=LYON, radius_km=50).days) == 1
    assert len(calendar(ref, first="2026-03-25", last="2026-04-01").days) == 1  # nationwide


def test_sold_out_showtimes_are_shown_deleted_and_closed_ones_are_not():
    dune = find_or_create_film(title="Dune")
    venue = venue_at(LYON, 2)
    sold_out = showtime(venue, NOW + dt.timedelta(days=1), offer__film=dune, quantity=5, booked_quantity=5)
    showtime(venue, NOW + dt.timedelta(days=1, hours=1), offer=sold_out.offer, is_deleted=True)
    StockFactory(
        offer=sold_out.offer, beginning_datetime=NOW + dt.timedelta(hours=1), booking_limit_datetime=NOW
    )
    shown = calendar(find_film_ref(film_id=dune.pk), position=LYON).days
    assert [[s.stock_id for c in d.cinemas for s in c.showtimes] for d in shown] == [[sold_out.pk]]
    assert shown[0].cinemas[0].showtimes[0].is_sold_out


def test_an_offer_without_a_film_is_its_own_film():
    lone = showtime(venue_at(LYON, 2), NOW + dt.timedelta(days=1), offer__name="Seul")
    showtime(venue_at(LYON, 3), NOW + dt.timedelta(days=1), offer__name="Seul")  # same title, not linked
    ref = find_film_ref(offer_id=lone.offer.pk)
    assert ref.film is None and ref.key == f"offer-{lone.offer.pk}"
    assert [c.offer for d in calendar(ref, position=LYON).days for c in d.cinemas] == [lone.offer]
    assert film_info(ref).title == "Seul"


def test_an_offer_linked_to_a_film_gives_the_film():
    dune = find_or_create_film(title="Dune", visa="123456")
    offer = OfferFactory(film=dune)
    assert find_film_ref(offer_id=offer.pk).film == dune
    assert find_film_ref(visa="123456").film == dune


def test_an_allocine_id_finds_showings_not_linked_yet():
    tagged = showtime(venue_at(LYON, 2), NOW + dt.timedelta(days=1), offer__extra_data={"allocine_id": "777"})
    ref = find_film_ref(allocine_id="777")
    assert ref.film is None
    assert [c.offer for d in calendar(ref, position=LYON).days for c in d.cinemas] == [tagged.offer]


def test_film_info_prefers_the_film_and_completes_it_from_the_showing():
    dune = find_or_create_film(title="Dune", synopsis="Sur Arrakis.", directors=["D. Villeneuve"])
    offer = OfferFactory(film=dune, extra_data={"cast": ["T. Chalamet"], "genres": ["Science-fiction"]})
    info = film_info(find_film_ref(offer_id=offer.pk))
    assert (info.title, info.synopsis, info.directors, info.cast, info.genres) == (
        "Dune",
        "Sur Arrakis.",
        ["D. Villeneuve"],
        ["T. Chalamet"],
        ["Science-fiction"],
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "FILM_REFERENCE_REQUIRED"),
        ({"film_id": "1", "visa": "2"}, "FILM_REFERENCE_REQUIRED"),
        ({"film_id": "abc"}, "INVALID_FILM_REFERENCE"),
        ({"film_id": "9" * 13}, "INVALID_FILM_REFERENCE"),
        ({"allocine_id": "1" * 33}, "INVALID_FILM_REFERENCE"),
        ({"visa": "-5"}, "INVALID_FILM_REFERENCE"),
        ({"film_id": "424242"}, "FILM_NOT_FOUND"),
        ({"allocine_id": "424242"}, "FILM_NOT_FOUND"),
        ({"offer_id": "424242"}, "FILM_NOT_FOUND"),
    ],
)
def test_film_references_are_checked(kwargs, code):
    assert error_code(lambda: find_film_ref(**kwargs)) == code


def test_an_inactive_offer_is_not_found():
    offer = OfferFactory(is_active=False)
    assert error_code(lambda: find_film_ref(offer_id=offer.pk)) == "FILM_NOT_FOUND"


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2026-03-08", None),  # two days ago
        ("2026-03-10", "2026-04-10"),  # 32 days
        ("2026-03-12", "2026-03-11"),  # backwards
        ("10/03/2026", None),
        ("2026-02-30", None),
        ("2026-03-10" * 10, None),
        ("2027-03-12", None),  # more than a year ahead
    ],
)
def test_periods_are_bounded(first, last):
    assert error_code(lambda: check_period(first, last, today=TODAY)) == "INVALID_PERIOD"


def test_period_defaults_to_two_weeks_from_today():
    assert check_period(None, None, today=TODAY) == (TODAY, dt.date(2026, 3, 23))
    assert check_period("2026-03-09", "2026-04-08", today=TODAY) == (dt.date(2026, 3, 9), dt.date(2026, 4, 8))


def test_a_chosen_cinema_comes_first_even_outside_the_circle():
    dune = find_or_create_film(title="Dune")
    near = showtime(venue_at(LYON, 2), NOW + dt.timedelta(days=1), offer__film=dune)
    far = showtime(venue_at(LYON, 80), NOW + dt.timedelta(days=1), offer__film=dune)
    ref = find_film_ref(film_id=dune.pk)
    assert [c.offer for d in calendar(ref, position=LYON, radius_km=20).days for c in d.cinemas] == [
        near.offer
    ]
    chosen = calendar(ref, position=LYON, radius_km=20, always=far.offer.pk)
    assert [c.offer for d in chosen.days for c in d.cinemas] == [far.offer, near.offer]


def test_at_most_the_nearest_cinemas_that_show_it_in_the_period():
    dune = find_or_create_film(title="Dune")
    showtime(venue_at(LYON, 1), NOW + dt.timedelta(days=20), offer__film=dune)  # nearest, outside the period
    kept = [showtime(venue_at(LYON, d), NOW + dt.timedelta(days=1), offer__film=dune).offer for d in (2, 3)]
    showtime(venue_at(LYON, 4), NOW + dt.timedelta(days=1), offer__film=dune)
    result = calendar(find_film_ref(film_id=dune.pk), position=LYON, max_cinemas=2)
    assert [c.offer for c in result.days[0].cinemas] == kept
