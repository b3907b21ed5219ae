import datetime as dt

import pytest

from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory
from passculture.core.offers.scheduling import Schedule, plan_showtimes
from tests.conftest import utc
from tests.helpers import error_code

from .conftest import NOW

pytestmark = pytest.mark.django_db

T14, T2030 = dt.time(14, 0), dt.time(20, 30)


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue)


def schedule(first: dt.date, last: dt.date, *times: dt.time, **options) -> Schedule:
    return Schedule(start_date=first, end_date=last, times=times or (T14, T2030), **options)


def starts(plan) -> list[dt.datetime]:
    return [planned.beginning for planned in plan.showtimes]


def test_every_day_of_the_range_gets_every_time():
    offer = OfferFactory(venue__timezone="Europe/Paris")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 16), dt.date(2026, 3, 22)))
    assert plan.count == 14
    # Paris is UTC+1 in winter.
    assert starts(plan)[:2] == [utc(2026, 3, 16, 13, 0), utc(2026, 3, 16, 19, 30)]
    assert starts(plan)[-1] == utc(2026, 3, 22, 19, 30)


def test_only_the_chosen_weekdays_get_showtimes(offer):
    plan = plan_showtimes(
        offer, schedule(dt.date(2026, 3, 16), dt.date(2026, 3, 29), T14, weekdays=frozenset({2, 5}))
    )
    assert [start.date() for start in starts(plan)] == [
        dt.date(2026, 3, 18),
        dt.date(2026, 3, 21),
        dt.date(2026, 3, 25),
        dt.date(2026, 3, 28),
    ]


def test_times_are_read_on_the_venue_clock_across_the_change_to_summer_time():
    offer = OfferFactory(venue__timezone="Europe/Paris")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 28), dt.date(2026, 3, 30), T14))
    # The clocks go forward on Sunday 29 March 2026: 14:00 is 13:00 UTC before, 12:00 UTC after.
    assert starts(plan) == [utc(2026, 3, 28, 13), utc(2026, 3, 29, 12), utc(2026, 3, 30, 12)]


def test_a_time_that_does_not_exist_on_the_change_to_summer_time_is_skipped_and_counted():
    offer = OfferFactory(venue__timezone="Europe/Paris")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 28), dt.date(2026, 3, 30), dt.time(2, 30)))
    assert starts(plan) == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 30, 0, 30)]
    assert plan.skipped_nonexistent == 1


def test_a_time_repeated_on_the_change_to_winter_time_is_its_first_occurrence():
    offer = OfferFactory(venue__timezone="Europe/Paris")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 10, 25), dt.date(2026, 10, 25), dt.time(2, 30)))
    assert starts(plan) == [utc(2026, 10, 25, 0, 30)]


def test_la_reunion_showtimes_are_read_at_utc_plus_4():
    offer = OfferFactory(
        venue=VenueFactory(timezone="Indian/Reunion", postal_code="97400", department_code="974")
    )
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 28), dt.date(2026, 3, 29), T2030))
    assert starts(plan) == [utc(2026, 3, 28, 16, 30), utc(2026, 3, 29, 16, 30)]


def test_showtimes_already_started_are_skipped(offer):
    # NOW is 13:00 in Paris on 10 March 2026.
    plan = plan_showtimes(offer, schedule(NOW.date(), NOW.date(), dt.time(10, 0), dt.time(13, 0), T2030))
    assert starts(plan) == [utc(2026, 3, 10, 19, 30)]
    assert plan.skipped_past == 2


def test_existing_showtimes_of_the_same_version_are_skipped(offer):
    StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 16, 13), version="VF")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 16), dt.date(2026, 3, 16), version="VF"))
    assert starts(plan) == [utc(2026, 3, 16, 19, 30)]
    assert plan.skipped_duplicates == 1


def test_same_start_in_another_version_is_not_a_duplicate(offer):
    StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 16, 13), version="VF")
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 16), dt.date(2026, 3, 16), T14, version="VO"))
    assert plan.count == 1


def test_a_deleted_showtime_does_not_block_a_new_one_at_the_same_time(offer):
    StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 16, 13), version="VF", is_deleted=True)
    plan = plan_showtimes(offer, schedule(dt.date(2026, 3, 16), dt.date(2026, 3, 16), T14, version="VF"))
    assert plan.count == 1


def test_booking_limit_is_the_given_hours_before_the_start_or_the_start(offer):
    day = dt.date(2026, 3, 16)
    plan = plan_showtimes(offer, schedule(day, day, T14, booking_limit_hours_before=2))
    assert plan.showtimes[0].booking_limit == utc(2026, 3, 16, 11)
    plan = plan_showtimes(offer, schedule(day, day, T14))
    assert plan.showtimes[0].booking_limit == plan.showtimes[0].beginning


def test_at_most_500_showtimes_per_request(offer):
    ten_times = tuple(dt.time(hour, 0) for hour in range(12, 22))
    assert plan_showtimes(offer, schedule(dt.date(2026, 4, 1), dt.date(2026, 5, 20), *ten_times)).count == 500
    too_many = schedule(dt.date(2026, 4, 1), dt.date(2026, 5, 21), *ten_times)
    assert error_code(plan_showtimes, offer, too_many) == "TOO_MANY_SHOWTIMES"


def test_the_end_date_cannot_precede_the_start_date(offer):
    bad = schedule(dt.date(2026, 4, 2), dt.date(2026, 4, 1))
    assert error_code(plan_showtimes, offer, bad) == "SCHEDULE_END_BEFORE_START"


def test_the_range_is_at_most_366_days(offer):
    assert error_code(plan_showtimes, offer, schedule(dt.date(2026, 4, 1), dt.date(2027, 4, 2), T14)) == (
        "SCHEDULE_TOO_LONG"
    )


def test_at_least_one_time_is_needed(offer):
    empty = Schedule(start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 4, 1), times=())
    assert error_code(plan_showtimes, offer, empty) == "SCHEDULE_WITHOUT_TIME"


def test_the_price_cannot_be_negative(offer):
    bad = schedule(dt.date(2026, 4, 1), dt.date(2026, 4, 1), price_cents=-1)
    assert error_code(plan_showtimes, offer, bad) == "INVALID_PRICE"


def test_booking_limit_delay_is_bounded(offer):
    bad = schedule(dt.date(2026, 4, 1), dt.date(2026, 4, 1), booking_limit_hours_before=721)
    assert error_code(plan_showtimes, offer, bad) == "INVALID_BOOKING_LIMIT_DELAY"


def test_cards_and_subscriptions_get_no_dated_showtimes(venue):
    card = ThingOfferFactory(venue=venue)
    assert error_code(plan_showtimes, card, schedule(dt.date(2026, 4, 1), dt.date(2026, 4, 1))) == (
        "SHOWTIMES_FOR_EVENTS_ONLY"
    )
