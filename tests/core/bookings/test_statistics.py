"""The pro home page's booking figures: venue-local days, cancelled bookings left out, one offerer only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from passculture.core.bookings import statistics
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
# Wednesday 11 March 2026, 13:00 in Paris, 16:00 in La Réunion (UTC+4).
NOW = utc(2026, 3, 11, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def book(venue, booked_at, amount_cents=700, quantity=1, **kwargs):
    return BookingFactory(
        stock=StockFactory(offer__venue=venue, price_cents=amount_cents),
        booked_at=booked_at,
        amount_cents=amount_cents,
        quantity=quantity,
        **kwargs,
    )


def test_today_week_and_month_count_bookings_not_cancelled_with_their_amount(venue):
    book(venue, utc(2026, 3, 11, 9, 0), 700, quantity=2)  # today
    book(venue, utc(2026, 3, 9, 8, 0), 500)  # Monday: this week
    book(venue, utc(2026, 3, 2, 8, 0), 900)  # this month, last week
    book(venue, utc(2026, 2, 28, 8, 0), 400)  # last month
    book(venue, utc(2026, 3, 11, 10, 0), 800, status=BookingStatus.CANCELLED, cancelled_at=NOW)
    figures = statistics.booking_figures([venue.offerer_id], NOW)
    assert figures.today == statistics.Tally(1, 1400)
    assert figures.week == statistics.Tally(2, 1900)
    assert figures.month == statistics.Tally(3, 2800)


def test_a_reunion_venues_today_starts_at_its_own_midnight(venue):
    reunion = VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion")
    book(reunion, utc(2026, 3, 10, 20, 30))  # 11 March, 00:30 in La Réunion: today there
    book(venue, utc(2026, 3, 10, 22, 30))  # 10 March, 23:30 in Paris: yesterday here
    figures = statistics.booking_figures([venue.offerer_id], NOW)
    assert figures.today.count == 1
    assert figures.week.count == 2


def test_on_the_first_of_the_month_the_week_reaches_back_into_the_last_month(venue, time_machine):
    time_machine.move_to(utc(2026, 4, 1, 10, 0), tick=False)  # Wednesday 1 April
    book(venue, utc(2026, 3, 30, 10, 0))  # Monday
    figures = statistics.booking_figures([venue.offerer_id], utc(2026, 4, 1, 10, 0))
    assert (figures.today.count, figures.week.count, figures.month.count) == (0, 1, 0)


def test_another_offerers_bookings_are_never_counted(venue):
    book(VenueFactory(), utc(2026, 3, 11, 9, 0))
    assert statistics.booking_figures([venue.offerer_id], NOW).today == statistics.Tally(0, 0)
    assert sum(day.count for day in statistics.bookings_per_day([venue.offerer_id], NOW)) == 0
    assert statistics.top_films([venue.offerer_id], NOW) == []


def test_bookings_per_day_cover_thirty_local_days_ending_today(venue):
    reunion = VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion")
    book(venue, utc(2026, 3, 11, 9, 0))
    book(reunion, utc(2026, 3, 10, 21, 0))  # 11 March, 01:00 in La Réunion
    book(venue, utc(2026, 3, 10, 22, 30))  # 10 March, 23:30 in Paris
    book(venue, utc(2026, 2, 10, 12, 0))  # the first of the 30 days
    book(venue, utc(2026, 2, 9, 12, 0))  # before them
    book(venue, utc(2026, 3, 5, 9, 0), status=BookingStatus.CANCELLED, cancelled_at=NOW)
    days = statistics.bookings_per_day([venue.offerer_id], NOW)
    assert len(days) == 30
    assert (days[0].day, days[-1].day) == (dt.date(2026, 2, 10), dt.date(2026, 3, 11))
    counts = {day.day: day.count for day in days if day.count}
    assert counts == {dt.date(2026, 2, 10): 1, dt.date(2026, 3, 10): 1, dt.date(2026, 3, 11): 2}


def test_an_offerer_without_venue_has_no_days(db):
    from passculture.core.offerers.factories import OffererFactory

    assert statistics.bookings_per_day([OffererFactory().pk], NOW) == []


def test_top_films_group_a_film_shown_in_two_venues_under_its_title(venue):
    film = FilmFactory(title="Orbite basse")
    other_venue = VenueFactory(offerer=venue.offerer)
    for place, count in ((venue, 2), (other_venue, 1)):
        offer = OfferFactory(venue=place, film=film, name="Orbite basse (VF)")
        for _ in range(count):
            BookingFactory(stock=StockFactory(offer=offer), booked_at=utc(2026, 3, 1, 10, 0))
    book(venue, utc(2026, 3, 2, 10, 0))
    BookingFactory(stock=StockFactory(offer__venue=venue), booked_at=utc(2026, 1, 1, 10, 0))  # too old
    top = statistics.top_films([venue.offerer_id], NOW)
    assert top[0] == statistics.FilmCount("Orbite basse", 3)
    assert [item.count for item in top] == [3, 1]


def test_each_figure_is_one_query_whatever_the_bookings(venue):
    for day in range(10):
        book(venue, utc(2026, 3, 1 + day, 10, 0))
    for selector in (statistics.booking_figures, statistics.bookings_per_day, statistics.top_films):
        with CaptureQueriesContext(connection) as queries:
            selector([venue.offerer_id], NOW)
        assert len(queries) == 2, selector  # the venues' timezones, then the grouped query
