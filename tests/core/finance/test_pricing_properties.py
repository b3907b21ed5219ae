"""Properties of the pricing (hypothesis): the scales only go down, nothing is paid above what was
booked, and the result does not depend on how the bookings were split between pricing runs."""

import datetime as dt
import importlib

from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from passculture.core.finance import pricing
from passculture.core.finance.factories import UsedBookingFactory
from passculture.core.finance.models import Pricing, PricingCounter
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from tests.conftest import utc

SCALES = importlib.import_module("passculture.core.finance.migrations.0003_seed_reimbursement_scales").SCALES
START = utc(2026, 3, 1, 12, 0)
DB_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

revenues = st.integers(min_value=0, max_value=400_000_00)


@given(st.sampled_from(SCALES), revenues, revenues)
def test_the_rate_never_increases_with_the_revenue(scale, first, second):
    low, high = sorted((first, second))
    assert pricing.bracket_for(scale["brackets"], low)[1] >= pricing.bracket_for(scale["brackets"], high)[1]


@given(st.sampled_from(SCALES), revenues, st.integers(min_value=0, max_value=10_000_00))
def test_a_rate_applied_never_exceeds_the_amount(scale, revenue, amount):
    _, rate = pricing.bracket_for(scale["brackets"], revenue)
    assert 0 <= pricing.apply_rate(amount, rate) <= amount


booking_specs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=15_000_00),  # unit amount in cents: a few cross the thresholds
        st.integers(min_value=1, max_value=2),  # quantity (duo)
        st.integers(min_value=0, max_value=12),  # hours between validation and reimbursability (show later)
    ),
    min_size=1,
    max_size=7,
)


def _create(specs):
    venue = VenueFactory()
    bookings = []
    for index, (amount, quantity, delay) in enumerate(specs):
        used_at = START + dt.timedelta(hours=index)
        stock = StockFactory(offer__venue=venue, beginning_datetime=used_at + dt.timedelta(hours=delay))
        bookings.append(
            UsedBookingFactory(stock=stock, amount_cents=amount, quantity=quantity, used_at=used_at)
        )
    return venue, bookings


def _result(venue):
    return {
        row[0]: row[1:]
        for row in Pricing.objects.filter(venue=venue).values_list(
            "booking_id", "revenue_before_cents", "rate", "reimbursed_cents"
        )
    }


@DB_SETTINGS
@given(specs=booking_specs, cuts=st.lists(st.integers(min_value=0, max_value=16), max_size=4))
# The first booking's show starts 6 h after its validation: the second one is priced before it.
@example(specs=[(19_999_00, 1, 6), (2_00, 1, 0)], cuts=[3])
def test_any_split_of_runs_gives_the_same_pricing_as_one_run(db, specs, cuts):
    with transaction.atomic():
        venue, bookings = _create(specs)
        for hours in sorted(cuts):
            pricing.price_bookings(at=START + dt.timedelta(hours=hours))
        end = START + dt.timedelta(hours=len(specs) + 13)
        pricing.price_bookings(at=end)
        split = _result(venue)
        split_counter = PricingCounter.objects.get(scope_id=venue.pk).revenue_cents

        Pricing.objects.all().delete()
        PricingCounter.objects.all().delete()
        pricing.price_bookings(at=end)
        assert _result(venue) == split
        assert split_counter == sum(b.amount_cents * b.quantity for b in bookings)
        # Reimbursed <= booked, for every booking and so for the venue.
        by_booking = {b.pk: b.amount_cents * b.quantity for b in bookings}
        assert all(split[pk][-1] <= by_booking[pk] for pk in by_booking)
        # Cumulative revenue follows (validation date, id) and the bracket reached includes the booking.
        rows = list(Pricing.objects.filter(venue=venue).order_by("validated_at", "booking_id"))
        running = 0
        for row in rows:
            assert row.revenue_before_cents == running
            running += row.booking_amount_cents
            assert row.rate == pricing.bracket_for(row.scale.brackets, running)[1]
        rates = [row.rate for row in rows]
        assert rates == sorted(rates, reverse=True)  # the rate never goes up within a year
        transaction.set_rollback(True)
