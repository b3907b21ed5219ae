"""Reimbursement pricing on hand-computed cases (RULES.md "Reimbursement"), frozen clock."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor
from passculture.core.finance import pricing
from passculture.core.finance.constants import PricingScope, PricingStatus, ScaleKind
from passculture.core.finance.factories import CustomReimbursementRuleFactory, UsedBookingFactory
from passculture.core.finance.models import Pricing, PricingCounter, ReimbursementScale
from passculture.core.jobs.schedule import get_job
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory
from tests.conftest import utc
from tests.helpers import error_code

NOW = utc(2026, 6, 15, 12, 0)
EUR = 100


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def used(venue, amount_cents, used_at=None, **kwargs):
    return UsedBookingFactory(
        stock__offer__venue=venue,
        amount_cents=amount_cents,
        used_at=used_at or NOW - dt.timedelta(days=1),
        **kwargs,
    )


def pricing_of(booking) -> Pricing:
    return Pricing.objects.get(booking=booking)


def counter_for(venue) -> CounterActor:
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    return CounterActor.for_user(pro)


# --- The scale ---------------------------------------------------------------------------------------


def test_a_booking_under_the_first_threshold_is_reimbursed_in_full(db):
    booking = used(VenueFactory(), 8 * EUR)
    assert pricing.price_bookings() == {"priced": 1, "repriced": 0, "groups": 1}
    priced = pricing_of(booking)
    assert (priced.rate, priced.reimbursed_cents, priced.bracket) == (Decimal("1"), 800, 0)
    assert (priced.revenue_before_cents, priced.revenue_after_cents) == (0, 800)
    assert priced.scale.code == "GENERAL_2021_09"
    assert (priced.year, priced.status, priced.scope) == (2026, PricingStatus.PRICED, PricingScope.VENUE)


def test_crossing_20000_inside_one_booking_prices_the_whole_booking_at_95(db):
    venue = VenueFactory()
    first = used(venue, 19_990 * EUR, NOW - dt.timedelta(days=3))
    crossing = used(venue, 20 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert pricing_of(first).reimbursed_cents == 19_990 * EUR
    priced = pricing_of(crossing)
    # 19,990 + 20 = 20,010 > 20,000: the whole 20 EUR at 95 %, not 10 EUR at 100 % and 10 at 95 %.
    assert (priced.rate, priced.reimbursed_cents, priced.bracket) == (Decimal("0.95"), 1900, 1)
    assert (priced.revenue_before_cents, priced.revenue_after_cents) == (1_999_000, 2_001_000)


def test_exactly_20000_is_still_in_the_100_bracket_and_one_more_cent_is_not(db):
    venue = VenueFactory()
    first = used(venue, 19_990 * EUR, NOW - dt.timedelta(days=3))
    reaching = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    beyond = used(venue, 1, NOW - dt.timedelta(days=1))
    pricing.price_bookings()
    assert pricing_of(first).rate == Decimal("1")
    assert pricing_of(reaching).revenue_after_cents == 20_000 * EUR
    assert (pricing_of(reaching).rate, pricing_of(reaching).reimbursed_cents) == (Decimal("1"), 1000)
    # 95 % of one cent is 0.95 cent: rounded half up to 1 cent.
    assert (pricing_of(beyond).rate, pricing_of(beyond).reimbursed_cents) == (Decimal("0.95"), 1)


@pytest.mark.parametrize(
    ("revenue_before_eur", "rate"),
    [(39_000, "0.95"), (39_991, "0.92"), (149_990, "0.92"), (149_991, "0.90"), (200_000, "0.90")],
)
def test_each_bracket_of_the_2021_scale(db, revenue_before_eur, rate):
    venue = VenueFactory()
    used(venue, revenue_before_eur * EUR, NOW - dt.timedelta(days=3))
    booking = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert pricing_of(booking).rate == Decimal(rate)


def test_rounding_is_half_up_to_the_cent(db):
    venue = VenueFactory()
    used(venue, 25_000 * EUR, NOW - dt.timedelta(days=3))
    booking = used(venue, 1030, NOW - dt.timedelta(days=2))  # 95 % of 10.30 EUR = 9.785 EUR
    pricing.price_bookings()
    # Half up: 9.79 EUR (banker's rounding would give 9.78).
    assert pricing_of(booking).reimbursed_cents == 979


def test_a_duo_booking_is_priced_on_its_total(db):
    venue = VenueFactory()
    used(venue, 19_995 * EUR, NOW - dt.timedelta(days=3))
    duo = used(venue, 4 * EUR, NOW - dt.timedelta(days=2), quantity=2)  # 2 x 4 EUR: reaches 20,003
    pricing.price_bookings()
    priced = pricing_of(duo)
    assert (priced.booking_amount_cents, priced.revenue_after_cents) == (800, 2_000_300)
    assert (priced.rate, priced.reimbursed_cents) == (Decimal("0.95"), 760)


def test_new_year_is_counted_in_paris_time_not_utc(db, time_machine):
    time_machine.move_to(utc(2027, 1, 10, 12, 0), tick=False)
    venue = VenueFactory()
    used(venue, 30_000 * EUR, utc(2026, 6, 1, 10, 0))
    last_of_2026 = used(venue, 10 * EUR, utc(2026, 12, 31, 22, 59))  # 23:59 in Paris
    first_of_2027 = used(venue, 10 * EUR, utc(2026, 12, 31, 23, 30))  # 00:30 on 1 January in Paris
    pricing.price_bookings()
    assert (pricing_of(last_of_2026).year, pricing_of(last_of_2026).rate) == (2026, Decimal("0.95"))
    assert pricing_of(first_of_2027).year == 2027
    assert (pricing_of(first_of_2027).revenue_before_cents, pricing_of(first_of_2027).rate) == (
        0,
        Decimal("1"),
    )
    assert PricingCounter.objects.get(scope_id=venue.pk, year=2027).revenue_cents == 1000


def test_the_scale_version_changes_on_1_september_2021_in_paris(db, time_machine):
    time_machine.move_to(utc(2021, 9, 10, 12, 0), tick=False)
    venue = VenueFactory()
    used(venue, 50_000 * EUR, utc(2021, 3, 1, 10, 0))
    august = used(venue, 10 * EUR, utc(2021, 8, 31, 21, 59))  # 23:59 in Paris, 31 August
    september = used(venue, 10 * EUR, utc(2021, 8, 31, 22, 0))  # 00:00 in Paris, 1 September
    pricing.price_bookings()
    assert (pricing_of(august).scale.code, pricing_of(august).rate) == ("GENERAL_2020_10", Decimal("0.85"))
    assert (pricing_of(september).scale.code, pricing_of(september).rate) == (
        "GENERAL_2021_09",
        Decimal("0.92"),
    )


def test_the_2020_scale_above_150000_is_70_percent(db, time_machine):
    time_machine.move_to(utc(2021, 6, 10, 12, 0), tick=False)
    venue = VenueFactory()
    used(venue, 150_000 * EUR, utc(2021, 3, 1, 10, 0))
    booking = used(venue, 10 * EUR, utc(2021, 5, 1, 10, 0))
    pricing.price_bookings()
    assert pricing_of(booking).rate == Decimal("0.70")


def test_books_have_their_own_scale(db, monkeypatch):
    # The catalogue has no book category: pretend cinema cards are books to price one end to end.
    monkeypatch.setattr(pricing, "BOOK_CATEGORIES", frozenset({"CARTE_CINE_MULTISEANCES"}))
    venue = VenueFactory()
    used(venue, 160_000 * EUR, NOW - dt.timedelta(days=3))
    book = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert (pricing_of(book).scale.kind, pricing_of(book).rate) == (ScaleKind.BOOK, Decimal("0.95"))


def test_digital_offers_are_not_reimbursed_but_count_in_the_revenue(db):
    venue = VenueFactory()
    digital = used(venue, 10 * EUR, NOW - dt.timedelta(days=3), is_digital=True)
    other = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert (pricing_of(digital).rate, pricing_of(digital).reimbursed_cents) == (Decimal("0"), 0)
    assert pricing_of(other).revenue_before_cents == 1000


def test_scales_are_seeded_as_dated_data(db):
    codes = set(ReimbursementScale.objects.values_list("code", flat=True))
    assert {"GENERAL_2020_10", "GENERAL_2021_09", "BOOK_2020_10", "DIGITAL_2020_10"} <= codes
    general = ReimbursementScale.objects.get(code="GENERAL_2021_09")
    assert [b["rate"] for b in general.brackets] == ["1", "0.95", "0.92", "0.90"]


# --- What is reimbursable ----------------------------------------------------------------------------


def test_only_reimbursable_bookings_are_priced(db):
    venue = VenueFactory()
    reimbursable = used(venue, 10 * EUR)
    not_started = used(
        venue,
        10 * EUR,
        stock=StockFactory(offer__venue=venue, beginning_datetime=NOW + dt.timedelta(hours=1)),
    )
    started = used(
        venue,
        10 * EUR,
        stock=StockFactory(offer__venue=venue, beginning_datetime=NOW - dt.timedelta(hours=1)),
    )
    free = used(venue, 0)
    confirmed = used(venue, 10 * EUR, status=BookingStatus.CONFIRMED, used_at=None)
    cancelled = used(venue, 10 * EUR, status=BookingStatus.CANCELLED, used_at=None, cancelled_at=NOW)
    pricing.price_bookings()
    priced = set(Pricing.objects.values_list("booking_id", flat=True))
    assert priced == {reimbursable.pk, started.pk}
    assert not {not_started.pk, free.pk, confirmed.pk, cancelled.pk} & priced


def test_pricing_twice_prices_nothing_more(db):
    venue = VenueFactory()
    used(venue, 10 * EUR)
    pricing.price_bookings()
    assert pricing.price_bookings() == {"priced": 0, "repriced": 0, "groups": 0}
    assert Pricing.objects.count() == 1
    assert PricingCounter.objects.get(scope_id=venue.pk, year=2026).revenue_cents == 1000


def test_bookings_are_priced_by_validation_date_then_id(db):
    venue = VenueFactory()
    same_time = NOW - dt.timedelta(days=1)
    late = used(venue, 15_000 * EUR, NOW - dt.timedelta(hours=1))
    b = used(venue, 10_000 * EUR, same_time)
    a = used(venue, 10_000 * EUR, same_time)
    pricing.price_bookings()
    first, second = sorted([a, b], key=lambda booking: booking.pk)
    assert pricing_of(first).revenue_before_cents == 0
    assert (pricing_of(second).revenue_before_cents, pricing_of(second).rate) == (10_000 * EUR, Decimal("1"))
    assert (pricing_of(late).revenue_before_cents, pricing_of(late).rate) == (20_000 * EUR, Decimal("0.95"))


def test_a_booking_validated_earlier_but_priced_later_reprices_the_later_ones(db):
    venue = VenueFactory()
    # Validated at the counter before its show: reimbursable only once the show has started.
    show = StockFactory(offer__venue=venue, beginning_datetime=NOW + dt.timedelta(hours=2))
    early = used(venue, 19_995 * EUR, NOW - dt.timedelta(days=2), stock=show)
    later = used(venue, 10 * EUR, NOW - dt.timedelta(days=1))
    pricing.price_bookings()
    assert pricing_of(later).rate == Decimal("1")
    pricing.price_bookings(at=NOW + dt.timedelta(hours=3))
    assert pricing_of(early).revenue_before_cents == 0
    assert (pricing_of(later).revenue_before_cents, pricing_of(later).rate) == (19_995 * EUR, Decimal("0.95"))
    assert PricingCounter.objects.get(scope_id=venue.pk, year=2026).revenue_cents == 20_005 * EUR


def test_pricing_makes_a_constant_number_of_queries_per_venue(db, django_assert_max_num_queries):
    venue = VenueFactory()
    for day in range(30):
        used(venue, 10 * EUR, NOW - dt.timedelta(days=day + 1))
    with django_assert_max_num_queries(12):
        assert pricing.price_bookings()["priced"] == 30


def test_the_threshold_can_count_per_offerer(db, settings):
    settings.PASSCULTURE_REIMBURSEMENT_SCOPE = "offerer"
    offerer = OffererFactory()
    first, second = VenueFactory(offerer=offerer), VenueFactory(offerer=offerer)
    used(first, 15_000 * EUR, NOW - dt.timedelta(days=3))
    booking = used(second, 6_000 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert (pricing_of(booking).scope, pricing_of(booking).rate) == (PricingScope.OFFERER, Decimal("0.95"))


def test_per_venue_by_default_two_venues_of_one_offerer_count_apart(db):
    offerer = OffererFactory()
    first, second = VenueFactory(offerer=offerer), VenueFactory(offerer=offerer)
    used(first, 15_000 * EUR, NOW - dt.timedelta(days=3))
    booking = used(second, 6_000 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert pricing_of(booking).rate == Decimal("1")


def test_the_job_is_scheduled():
    assert get_job("price_bookings").load() is pricing.price_bookings


# --- Custom rules ------------------------------------------------------------------------------------


def test_custom_rules_take_priority_offer_then_venue_then_offerer(db):
    venue = VenueFactory()
    offer = OfferFactory(venue=venue)
    start = NOW - dt.timedelta(days=10)
    CustomReimbursementRuleFactory(venue=None, offerer=venue.offerer, rate=Decimal("0.5"), valid_from=start)
    CustomReimbursementRuleFactory(venue=venue, rate=Decimal("0.6"), valid_from=start)
    offer_rule = CustomReimbursementRuleFactory(
        venue=None, offer=offer, rate=Decimal("0.7"), valid_from=start
    )
    of_offer = used(venue, 10 * EUR, stock=ThingStockFactory(offer=offer))
    of_venue = used(venue, 10 * EUR)
    of_offerer = used(VenueFactory(offerer=venue.offerer), 10 * EUR)
    elsewhere = used(VenueFactory(), 10 * EUR)
    pricing.price_bookings()
    assert (pricing_of(of_offer).custom_rule, pricing_of(of_offer).reimbursed_cents) == (offer_rule, 700)
    assert pricing_of(of_venue).reimbursed_cents == 600
    assert pricing_of(of_offerer).reimbursed_cents == 500
    assert (pricing_of(elsewhere).custom_rule, pricing_of(elsewhere).reimbursed_cents) == (None, 1000)


def test_a_custom_rule_applies_only_within_its_period(db):
    venue = VenueFactory()
    CustomReimbursementRuleFactory(
        venue=venue, valid_from=NOW - dt.timedelta(days=5), valid_until=NOW - dt.timedelta(days=2)
    )
    before = used(venue, 10 * EUR, NOW - dt.timedelta(days=6))
    during = used(venue, 10 * EUR, NOW - dt.timedelta(days=3))
    after = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))  # valid_until is exclusive
    pricing.price_bookings()
    assert [pricing_of(b).reimbursed_cents for b in (before, during, after)] == [1000, 500, 1000]


def test_a_fixed_amount_rule_pays_per_place_capped_at_the_booking_total(db):
    venue = VenueFactory()
    CustomReimbursementRuleFactory(
        venue=venue, rate=None, amount_cents=350, valid_from=NOW - dt.timedelta(days=5)
    )
    duo = used(venue, 5 * EUR, quantity=2)
    cheap = used(venue, 2 * EUR)
    pricing.price_bookings()
    assert (pricing_of(duo).reimbursed_cents, pricing_of(duo).rate) == (700, None)
    assert pricing_of(cheap).reimbursed_cents == 200


def test_a_custom_rule_booking_counts_in_the_revenue_but_keeps_its_rate(db):
    venue = VenueFactory()
    CustomReimbursementRuleFactory(venue=venue, rate=Decimal("1"), valid_from=NOW - dt.timedelta(days=5))
    ruled = used(venue, 25_000 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert (pricing_of(ruled).rate, pricing_of(ruled).revenue_after_cents) == (Decimal("1"), 25_000 * EUR)


# --- Un-pricing --------------------------------------------------------------------------------------


def test_undoing_a_validation_unprices_it_and_reprices_the_later_ones(db):
    venue = VenueFactory()
    big = used(venue, 19_995 * EUR, NOW - dt.timedelta(days=3))
    later = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    assert pricing_of(later).rate == Decimal("0.95")
    booking_services.undo_validation(counter_for(venue), big.token)
    big.refresh_from_db()
    assert big.status == BookingStatus.CONFIRMED
    assert not Pricing.objects.filter(booking=big).exists()
    assert (pricing_of(later).revenue_before_cents, pricing_of(later).rate) == (0, Decimal("1"))
    assert PricingCounter.objects.get(scope_id=venue.pk, year=2026).revenue_cents == 1000


def test_undoing_a_validation_not_yet_priced_just_works(db):
    venue = VenueFactory()
    booking = used(venue, 10 * EUR)
    booking_services.undo_validation(counter_for(venue), booking.token)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert pricing.price_bookings()["priced"] == 0


def test_undoing_a_validation_already_in_a_batch_is_refused(db):
    venue = VenueFactory()
    booking = used(venue, 10 * EUR)
    pricing.price_bookings()
    Pricing.objects.filter(booking=booking).update(status=PricingStatus.PROCESSED)
    assert (
        error_code(booking_services.undo_validation, counter_for(venue), booking.token)
        == "BOOKING_IN_PAYMENT_BATCH"
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.USED
    assert pricing_of(booking).status == PricingStatus.PROCESSED


def test_processed_pricings_are_never_repriced(db):
    venue = VenueFactory()
    paid = used(venue, 19_995 * EUR, NOW - dt.timedelta(days=3))
    middle = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    last = used(venue, 10 * EUR, NOW - dt.timedelta(days=1))
    pricing.price_bookings()
    Pricing.objects.filter(booking=middle).update(status=PricingStatus.PROCESSED)
    booking_services.undo_validation(counter_for(venue), paid.token)
    assert pricing_of(middle).revenue_before_cents == 19_995 * EUR  # frozen as it was paid
    assert (pricing_of(last).revenue_before_cents, pricing_of(last).rate) == (1000, Decimal("1"))


def test_cancelling_a_priced_booking_unprices_it(db):
    """No pro path cancels a used booking today; the hook in the shared cancellation step covers the
    back office's (fraud) cancellations to come."""
    venue = VenueFactory()
    # booked_quantity 1: a raw factory row did not go through book_offer, and cancelling frees the place.
    cancelled = used(
        venue,
        19_995 * EUR,
        NOW - dt.timedelta(days=3),
        stock=ThingStockFactory(offer__venue=venue, booked_quantity=1),
    )
    later = used(venue, 10 * EUR, NOW - dt.timedelta(days=2))
    pricing.price_bookings()
    with transaction.atomic():
        booking = booking_services._lock_booking(pk=cancelled.pk)
        booking_services._cancel_locked(booking, CancellationReason.FRAUD, NOW, actor_label="test")
    assert Booking.objects.get(pk=cancelled.pk).status == BookingStatus.CANCELLED
    assert not Pricing.objects.filter(booking=cancelled).exists()
    assert pricing_of(later).rate == Decimal("1")


def test_cancelling_a_booking_in_a_batch_is_refused_and_changes_nothing(db):
    venue = VenueFactory()
    booking = used(venue, 10 * EUR, stock=ThingStockFactory(offer__venue=venue, booked_quantity=1))
    pricing.price_bookings()
    Pricing.objects.filter(booking=booking).update(status=PricingStatus.PROCESSED)

    def cancel():
        with transaction.atomic():
            locked = booking_services._lock_booking(pk=booking.pk)
            booking_services._cancel_locked(locked, CancellationReason.FRAUD, NOW, actor_label="test")

    assert error_code(cancel) == "BOOKING_IN_PAYMENT_BATCH"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.USED


@pytest.mark.django_db(transaction=True)
def test_a_large_run_refreshes_the_pricing_statistics_and_a_small_one_does_not(monkeypatch):
    """After writing ANALYZE_AFTER_ROWS rows or more, the next queries (the batch) must not be planned
    on statistics that still see the pricings as none; the statement runs on both databases."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    venue = VenueFactory()
    used(venue, 800, NOW - dt.timedelta(days=2))
    monkeypatch.setattr(pricing, "ANALYZE_AFTER_ROWS", 2)
    with CaptureQueriesContext(connection) as small:
        assert pricing.price_bookings(NOW)["priced"] == 1
    assert not [q for q in small.captured_queries if q["sql"].startswith("ANALYZE")]

    used(venue, 800, NOW - dt.timedelta(days=1))
    used(venue, 800, NOW - dt.timedelta(hours=20))
    with CaptureQueriesContext(connection) as large:
        assert pricing.price_bookings(NOW)["priced"] == 2
    assert [q["sql"] for q in large.captured_queries if q["sql"].startswith("ANALYZE")] == [
        'ANALYZE "finance_pricing"'
    ]
