"""Payment batches under real concurrency on PostgreSQL (one connection per thread; outcomes only)."""

import datetime as dt

from django.db.models import Sum

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor
from passculture.core.finance import pricing
from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.constants import PricingStatus
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PaymentBatch, PaymentLine, Pricing
from passculture.core.finance.periods import cutoff_instant, due_cutoff
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory
from tests.core.bookings.test_concurrency import concurrent, run_concurrently


def _setup(venue_count=2, bookings_per_venue=3):
    """Venues paid at the due cut-off (on the real clock), with bookings validated before it."""
    cutoff = due_cutoff()
    instant = cutoff_instant(cutoff)
    venues = []
    for number in range(venue_count):
        venue = VenueFactory()
        BankAccountFactory(
            venue=venue,
            accepted=True,
            decided_at=instant - dt.timedelta(days=30),
            **({"iban": IBAN_LA_BANQUE_POSTALE, "bic": "PSSTFRPP"} if number % 2 else {}),
        )
        for minutes in range(bookings_per_venue):
            UsedBookingFactory(
                stock__offer__venue=venue,
                amount_cents=12_00,
                used_at=instant - dt.timedelta(days=2, minutes=minutes),
            )
        venues.append(venue)
    return cutoff, instant, venues


def _assert_lines_match_their_pricings():
    for line in PaymentLine.objects.all():
        total = line.pricings.aggregate(total=Sum("reimbursed_cents"))["total"] or 0
        assert (line.amount_cents, line.booking_count) == (total, line.pricings.count()), line
    assert not Pricing.objects.filter(status=PricingStatus.PROCESSED, payment_line__isnull=True).exists()
    assert not Pricing.objects.filter(status=PricingStatus.PRICED, payment_line__isnull=False).exists()


@concurrent
def test_two_generations_of_one_cut_off_at_once_make_one_batch():
    cutoff, _, venues = _setup()
    pricing.price_bookings()
    outcomes = run_concurrently([lambda: generate_payment_batch(cutoff).pk] * 2)
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    assert outcomes[0].value == outcomes[1].value
    assert PaymentBatch.objects.count() == 1
    assert PaymentLine.objects.count() == len(venues)
    _assert_lines_match_their_pricings()


@concurrent
def test_an_undo_racing_a_generation_is_either_refused_or_left_out_of_the_batch():
    cutoff, _, venues = _setup(venue_count=1)
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venues[0].offerer)
    pricing.price_bookings()
    target = Booking.objects.filter(venue=venues[0]).order_by("id").first()
    outcomes = run_concurrently(
        [
            lambda: generate_payment_batch(cutoff).pk,
            lambda: booking_services.undo_validation(CounterActor.for_user(pro), target.token).status,
        ]
    )
    assert outcomes[0].kind == "ok", outcomes
    target.refresh_from_db()
    if outcomes[1].kind == "ok":
        assert target.status == BookingStatus.CONFIRMED
        assert not Pricing.objects.filter(booking=target).exists()
        assert PaymentLine.objects.get().booking_count == 2
    else:
        assert (outcomes[1].kind, outcomes[1].value) == ("refused", "BOOKING_IN_PAYMENT_BATCH"), outcomes
        assert target.status == BookingStatus.USED
        assert PaymentLine.objects.get().booking_count == 3
    _assert_lines_match_their_pricings()


@concurrent
def test_a_pricing_run_racing_a_generation_never_changes_a_paid_amount():
    cutoff, instant, venues = _setup(venue_count=1)
    pricing.price_bookings()
    # Validated before the others but priced later: the pricing run re-prices the later ones,
    # unless the batch has frozen them first.
    early = UsedBookingFactory(
        stock__offer__venue=venues[0], amount_cents=25_000_00, used_at=instant - dt.timedelta(days=10)
    )
    outcomes = run_concurrently([lambda: generate_payment_batch(cutoff).pk, pricing.price_bookings])
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    _assert_lines_match_their_pricings()
    assert Pricing.objects.filter(booking=early).exists()
