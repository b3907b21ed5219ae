"""The pro bookings list query: one offerer's bookings, each filter, no N+1."""

import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.selectors import (
    BookingFilters,
    DateKind,
    booking_of_offerers,
    bookings_for_offerers,
    is_countermark,
)
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture
def venue_a(venue):
    return venue


def booking(venue, **kwargs):
    stock_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("stock__")}
    stock = kwargs.pop("stock", None) or StockFactory(
        offer__venue=venue, **{k.removeprefix("stock__"): v for k, v in stock_kwargs.items()}
    )
    return BookingFactory(stock=stock, **kwargs)


def ids(filters=None, offerer_ids=None, venue=None):
    return [b.pk for b in bookings_for_offerers(offerer_ids, filters)]


def test_only_bookings_of_the_given_offerers_newest_first(venue):
    older = booking(venue, booked_at=NOW - dt.timedelta(days=2))
    newer = booking(venue, booked_at=NOW)
    booking(VenueFactory())
    assert ids(offerer_ids=[venue.offerer_id]) == [newer.pk, older.pk]


def test_filter_by_venue(venue):
    other_venue = VenueFactory(offerer=venue.offerer)
    mine = booking(venue)
    booking(other_venue)
    assert ids(BookingFilters(venue_id=venue.pk), [venue.offerer_id]) == [mine.pk]


def test_filter_by_offer(venue):
    mine = booking(venue)
    booking(venue)
    assert ids(BookingFilters(offer_id=mine.offer_id), [venue.offerer_id]) == [mine.pk]


@pytest.mark.parametrize(
    "status", [BookingStatus.CONFIRMED, BookingStatus.USED, BookingStatus.CANCELLED, BookingStatus.REIMBURSED]
)
def test_filter_by_status(venue, status):
    made = {
        BookingStatus.CONFIRMED: booking(venue),
        BookingStatus.USED: booking(venue, status=BookingStatus.USED, used_at=NOW),
        BookingStatus.CANCELLED: booking(venue, status=BookingStatus.CANCELLED, cancelled_at=NOW),
        BookingStatus.REIMBURSED: booking(venue, status=BookingStatus.REIMBURSED, used_at=NOW),
    }
    assert ids(BookingFilters(status=status), [venue.offerer_id]) == [made[status].pk]


def test_filter_by_booking_date_uses_the_venues_local_days(venue):
    # 23:30 UTC on the 9th is already the 10th in Paris.
    on_the_10th = booking(venue, booked_at=utc(2026, 3, 9, 23, 30))
    booking(venue, booked_at=utc(2026, 3, 9, 22, 30))
    booking(venue, booked_at=utc(2026, 3, 10, 23, 0))
    filters = BookingFilters(date_from=dt.date(2026, 3, 10), date_to=dt.date(2026, 3, 10))
    assert ids(filters, [venue.offerer_id]) == [on_the_10th.pk]


def test_filter_by_event_date_looks_at_the_showtime_not_the_booking(venue):
    show_on_the_14th = booking(venue, booked_at=NOW, stock__beginning_datetime=utc(2026, 3, 14, 19, 0))
    booking(venue, booked_at=NOW, stock__beginning_datetime=utc(2026, 3, 20, 19, 0))
    filters = BookingFilters(
        date_kind=DateKind.EVENT, date_from=dt.date(2026, 3, 14), date_to=dt.date(2026, 3, 15)
    )
    assert ids(filters, [venue.offerer_id]) == [show_on_the_14th.pk]


def test_open_ended_date_range(venue):
    recent = booking(venue, booked_at=NOW)
    booking(venue, booked_at=NOW - dt.timedelta(days=10))
    assert ids(BookingFilters(date_from=dt.date(2026, 3, 5)), [venue.offerer_id]) == [recent.pk]


def test_another_offerers_venue_or_offer_in_the_filters_matches_nothing(venue):
    booking(venue)
    theirs = booking(VenueFactory())
    assert ids(BookingFilters(venue_id=theirs.venue_id), [venue.offerer_id]) == []
    assert ids(BookingFilters(offer_id=theirs.offer_id), [venue.offerer_id]) == []


def test_the_list_reads_bookings_with_venue_offer_stock_and_beneficiary_in_one_query(
    venue, django_assert_num_queries
):
    for _ in range(5):
        booking(venue)
    with django_assert_num_queries(1):
        rows = list(bookings_for_offerers([venue.offerer_id]))
        _ = [(b.venue.timezone, b.offer.name, b.stock.beginning_datetime, b.user.email) for b in rows]


def test_a_booking_is_found_only_among_the_given_offerers():
    booking = BookingFactory()
    assert booking_of_offerers(booking.pk, {booking.offerer_id}) == booking
    assert booking_of_offerers(booking.pk, {BookingFactory().offerer_id}) is None


def test_booking_filters_survive_a_round_trip_through_json():
    filters = BookingFilters(
        date_kind=DateKind.EVENT,
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 31),
        venue_id=4,
        offer_id=7,
        status="USED",
        search="Durand",
    )
    assert BookingFilters.from_dict(filters.as_dict()) == filters
    assert BookingFilters.from_dict({}) == BookingFilters()


@pytest.mark.parametrize(
    ("text", "expected"), [("ABC234", True), ("abc234", True), ("ABC23", False), ("ABC0O1", False)]
)
def test_a_countermark_is_six_characters_of_its_alphabet(text, expected):
    assert is_countermark(text) is expected
