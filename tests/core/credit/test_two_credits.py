"""The 2025 policy (stored inactive, switched on by staff): 50 EUR at 17, 150 EUR at 18, both valid until the
21st birthday; the unspent 17 credit stays usable beside the 18 one. Balance and bookings use both."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import age_on
from passculture.core.credit.models import CreditPolicy, Debit, Deposit
from passculture.core.credit.selectors import (
    MovementKind,
    balance_of,
    credit_history_of,
    deposits_of,
    refund_of,
)
from passculture.core.credit.services import grant_deposit
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
BORN = dt.date(2009, 1, 10)
AT_17 = dt.datetime(2026, 3, 10, 10, tzinfo=PARIS)
AT_18 = dt.datetime(2027, 1, 12, 10, tzinfo=PARIS)
H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def reform_2025():
    CreditPolicy.objects.filter(code__in=["GRANT_17_2025", "GRANT_18_2025"]).update(is_active=True)


def _paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def _book(user, price_cents, at, *, thing=False):
    factory = ThingStockFactory if thing else StockFactory
    extra = {} if thing else {"beginning_datetime": at + 240 * H}
    stock = factory(price_cents=price_cents, **extra)
    return book_offer(user, stock.pk, at=at)


@pytest.fixture
def two_credits():
    """Granted 50 EUR at 17, spent 20 of them, then 150 EUR at 18."""
    user = UserFactory(birth_date=BORN)
    grant_deposit(user, at=AT_17)
    _book(user, 20_00, AT_17 + H)
    grant_deposit(user, at=AT_18)
    return user


def test_a_17_year_old_gets_50_eur_until_the_21st_birthday_then_150_eur_at_18(two_credits):
    seventeen, eighteen = deposits_of(two_credits)
    assert (seventeen.policy.code, seventeen.amount_cents) == ("GRANT_17_2025", 50_00)
    assert (eighteen.policy.code, eighteen.amount_cents) == ("GRANT_18_2025", 150_00)
    assert seventeen.expires_at == eighteen.expires_at == _paris(2030, 1, 10)


def test_the_balance_adds_up_both_credits(two_credits):
    balance = balance_of(two_credits, at=AT_18 + H)
    assert (balance.initial_cents, balance.spent_cents, balance.remaining_cents) == (200_00, 20_00, 180_00)
    assert [(part.age, part.remaining_cents) for part in balance.parts] == [(17, 30_00), (18, 150_00)]
    assert balance.expires_at == _paris(2030, 1, 10)
    assert not balance.is_expired


def test_bookings_spend_the_17_credit_first_then_the_18_one(two_credits):
    booking = _book(two_credits, 25_00, AT_18 + H)
    seventeen, eighteen = deposits_of(two_credits)
    assert booking.deposit == seventeen
    assert (seventeen.spent_cents, eighteen.spent_cents) == (45_00, 0)


def test_a_booking_neither_credit_covers_alone_is_split_over_both(two_credits):
    card = _book(two_credits, 170_00, AT_18 + H, thing=True)  # 30 left at 17, 150 at 18

    seventeen, eighteen = deposits_of(two_credits)
    assert list(card.debits.order_by("deposit_id").values_list("deposit_id", "amount_cents")) == [
        (seventeen.pk, 30_00),
        (eighteen.pk, 140_00),
    ]
    assert (seventeen.spent_cents, eighteen.spent_cents) == (50_00, 140_00)
    assert balance_of(two_credits, at=AT_18 + 2 * H).remaining_cents == 10_00


def test_no_booking_may_exceed_both_credits_together(two_credits):
    with pytest.raises(DomainError) as exc:
        _book(two_credits, 180_01, AT_18 + H, thing=True)
    assert exc.value.code == "INSUFFICIENT_CREDIT"
    assert _book(two_credits, 180_00, AT_18 + H, thing=True).total_amount_cents == 180_00
    assert balance_of(two_credits, at=AT_18 + 2 * H).remaining_cents == 0


def test_a_cancellation_gives_each_part_back_to_the_credit_that_paid_it(two_credits):
    card = _book(two_credits, 170_00, AT_18 + H, thing=True)

    cancel_booking_by_beneficiary(two_credits, card.pk, at=AT_18 + 2 * H)

    seventeen, eighteen = deposits_of(two_credits)
    assert (seventeen.spent_cents, eighteen.spent_cents) == (20_00, 0)
    assert balance_of(two_credits, at=AT_18 + 3 * H).remaining_cents == 180_00
    assert Debit.objects.filter(booking=card).count() == 2  # kept: the history reads the refunds from them


def test_the_history_shows_both_grants_and_a_split_booking_once(two_credits):
    card = _book(two_credits, 170_00, AT_18 + H, thing=True)
    cancel_booking_by_beneficiary(two_credits, card.pk, at=AT_18 + 2 * H)

    movements = credit_history_of(two_credits, at=AT_18 + 3 * H)

    assert [(m.kind, m.amount_cents, m.balance_after_cents, m.age) for m in movements] == [
        (MovementKind.GRANT, 50_00, 50_00, 17),
        (MovementKind.BOOKING, -20_00, 30_00, None),
        (MovementKind.GRANT, 150_00, 180_00, 18),
        (MovementKind.BOOKING, -170_00, 10_00, None),
        (MovementKind.REFUND, 170_00, 180_00, None),
    ]


def test_both_credits_end_on_the_21st_birthday(two_credits):
    before, at_midnight = _paris(2030, 1, 9, 23, 59, 59), _paris(2030, 1, 10)
    assert balance_of(two_credits, at=before).remaining_cents == 180_00
    expired = balance_of(two_credits, at=at_midnight)
    assert (expired.remaining_cents, expired.is_expired, expired.free_offers_only) == (0, True, True)
    history = credit_history_of(two_credits, at=at_midnight)
    assert [(m.kind, m.amount_cents, m.age) for m in history[-2:]] == [
        (MovementKind.EXPIRY, -30_00, 17),
        (MovementKind.EXPIRY, -150_00, 18),
    ]
    assert history[-1].balance_after_cents == 0


def test_a_cancellation_after_the_21st_birthday_gives_back_nothing_spendable(two_credits):
    with time_machine.travel(_paris(2030, 1, 8, 12), tick=False):
        card = _book(two_credits, 170_00, _paris(2030, 1, 8, 12), thing=True)
    refund = refund_of(card, _paris(2030, 1, 10, 0, 0, 1))
    assert (refund.spendable_cents, refund.expired_cents) == (0, 170_00)
    assert refund.expired_at == _paris(2030, 1, 10)


# --- 29 February -----------------------------------------------------------------------------------


def test_born_on_29_february_the_credits_end_on_1_march_as_age_on_counts_the_21st_birthday():
    user = UserFactory(birth_date=dt.date(2008, 2, 29))
    # 17 on 1 March 2025 (a common year), the day the 2025 policy starts.
    assert age_on(user.birth_date, dt.date(2025, 2, 28)) == 16
    grant_deposit(user, at=_paris(2025, 3, 1, 9))
    grant_deposit(user, at=_paris(2026, 3, 2, 9))

    # 2029 is a common year: 21 on 1 March, not on 28 February.
    assert age_on(user.birth_date, dt.date(2029, 2, 28)) == 20
    assert age_on(user.birth_date, dt.date(2029, 3, 1)) == 21
    assert set(Deposit.objects.filter(user=user).values_list("expires_at", flat=True)) == {_paris(2029, 3, 1)}
    last_instant = _paris(2029, 2, 28, 23, 59, 59, 999999)
    assert balance_of(user, at=last_instant).remaining_cents == 200_00
    assert balance_of(user, at=_paris(2029, 3, 1)).remaining_cents == 0


def test_born_on_29_february_a_paid_booking_is_refused_from_the_21st_birthday():
    user = UserFactory(birth_date=dt.date(2008, 2, 29))
    grant_deposit(user, at=_paris(2026, 3, 2, 9))  # 18: 150 EUR
    stock = ThingStockFactory(price_cents=10_00)

    book_offer(user, stock.pk, at=_paris(2029, 2, 28, 23, 59))
    with pytest.raises(DomainError) as exc:
        book_offer(user, ThingStockFactory(price_cents=10_00).pk, at=_paris(2029, 3, 1, 0, 0))
    assert exc.value.code == "DEPOSIT_EXPIRED"


def _digital(user, price_cents, at):
    stock = ThingStockFactory(price_cents=price_cents, offer__url=f"https://vod.example.com/{price_cents}")
    return book_offer(user, stock.pk, at=at)


def test_the_two_credits_share_one_digital_cap_of_100_eur(two_credits):
    """RULES.md (2025): one digital cap of 100 EUR for the pass, not 100 EUR per credit (150 EUR)."""
    first = _digital(two_credits, 60_00, AT_18 + H)  # 30 from the 17 credit, 30 from the 18 one
    assert sorted(first.debits.values_list("amount_cents", flat=True)) == [30_00, 30_00]

    with pytest.raises(DomainError) as refused:
        _digital(two_credits, 45_00, AT_18 + 2 * H)

    assert refused.value.code == "DIGITAL_CAP_REACHED"
    assert _digital(two_credits, 40_00, AT_18 + 3 * H).total_amount_cents == 40_00
    balance = balance_of(two_credits, at=AT_18 + 4 * H)
    assert (balance.digital_cap_cents, balance.digital_remaining_cents) == (100_00, 0)
    assert balance.remaining_cents == 80_00  # still bookable for showtimes


def test_the_balance_shows_the_shared_digital_cap(two_credits):
    balance = balance_of(two_credits, at=AT_18 + H)
    assert (balance.digital_cap_cents, balance.digital_remaining_cents) == (100_00, 100_00)
    _digital(two_credits, 25_00, AT_18 + H)
    assert balance_of(two_credits, at=AT_18 + 2 * H).digital_remaining_cents == 75_00
