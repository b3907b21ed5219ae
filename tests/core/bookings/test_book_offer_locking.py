"""The stock row is locked as late as possible (decision 0039): read without a lock, then one conditional
UPDATE takes the places and the lock if nothing the booking read changed; otherwise the booking takes
the row with SELECT ... FOR UPDATE and checks everything again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from passculture.core.bookings import places
from passculture.core.bookings.selectors import booking_refusal
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import CreditPolicy, Debit, Deposit
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory
from tests.core.bookings.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _refusal(user, stock_id: int) -> str:
    with pytest.raises(DomainError) as refusal:
        book_offer(user, stock_id)
    return refusal.value.code


def _between_read_and_lock(monkeypatch, change) -> None:
    """Runs `change` after book_offer read the stock and before its conditional UPDATE (the quantity's
    shape is checked in between), as a pro's edit committed at that moment would (on the booking's own
    connection here: the booking sees it the same way)."""
    real = places.is_valid_quantity

    def check_then_change(quantity, *, is_duo):
        change()
        return real(quantity, is_duo=is_duo)

    monkeypatch.setattr(places, "is_valid_quantity", check_then_change)


def test_a_price_changed_between_the_read_and_the_lock_is_the_price_booked(beneficiary, monkeypatch):
    stock = StockFactory(price_cents=8_00, quantity=10)
    _between_read_and_lock(monkeypatch, lambda: Stock.objects.filter(pk=stock.pk).update(price_cents=9_50))

    booking = book_offer(beneficiary, stock.pk)

    assert booking.amount_cents == 9_50
    assert Deposit.objects.get(user=beneficiary).spent_cents == 9_50
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 1


def test_a_showtime_deleted_between_the_read_and_the_lock_is_refused(beneficiary, monkeypatch):
    stock = StockFactory(quantity=10)
    _between_read_and_lock(monkeypatch, lambda: Stock.objects.filter(pk=stock.pk).update(is_deleted=True))

    with pytest.raises(DomainError) as refusal:
        book_offer(beneficiary, stock.pk)

    assert refusal.value.code == "STOCK_DELETED"
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 0


def test_places_sold_between_the_read_and_the_lock_are_not_sold_twice(beneficiary, monkeypatch):
    stock = StockFactory(quantity=3, booked_quantity=2)
    _between_read_and_lock(monkeypatch, lambda: Stock.objects.filter(pk=stock.pk).update(booked_quantity=3))

    with pytest.raises(DomainError) as refusal:
        book_offer(beneficiary, stock.pk)

    assert refusal.value.code == "NOT_ENOUGH_PLACES"
    # (the simulated sale ran in the booking's own transaction, and rolled back with it)
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 2
    assert Deposit.objects.get(user=beneficiary).spent_cents == 0


def test_a_refusal_after_the_places_were_taken_gives_them_back(beneficiary):
    stock = StockFactory(quantity=5, price_cents=400_00)  # more than the credit

    with pytest.raises(DomainError) as refusal:
        book_offer(beneficiary, stock.pk)

    assert refusal.value.code == "INSUFFICIENT_CREDIT"
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 0


@pytest.mark.postgres_only
def test_a_common_booking_locks_the_stock_with_its_conditional_update_only(beneficiary):
    stock = StockFactory(quantity=10)

    with CaptureQueriesContext(connection) as queries:
        book_offer(beneficiary, stock.pk)

    on_stock = [q["sql"] for q in queries if '"offers_stock"' in q["sql"]]
    assert not [sql for sql in on_stock if "FOR UPDATE" in sql]
    assert len([sql for sql in on_stock if sql.startswith('UPDATE "offers_stock"')]) == 1
    # The emails are small rows written by one INSERT, built later.
    assert sum(q["sql"].count('INSERT INTO "notifications_outboxemail"') for q in queries) == 1


def test_a_showtime_read_sold_out_is_refused_with_the_usual_order_of_reasons(beneficiary):
    stock = StockFactory(quantity=2, booked_quantity=2)
    nobody = UserFactory()  # a beneficiary never granted a credit: that reason comes before the places

    assert _refusal(beneficiary, stock.pk) == "NOT_ENOUGH_PLACES"
    assert _refusal(nobody, stock.pk) == "NO_DEPOSIT"


@pytest.mark.postgres_only
def test_a_showtime_read_sold_out_is_refused_without_locking_or_writing(beneficiary):
    stock = StockFactory(quantity=2, booked_quantity=2)

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(beneficiary, stock.pk) == "NOT_ENOUGH_PLACES"

    statements = [q["sql"] for q in queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql or sql.startswith(("UPDATE", "INSERT"))]


@pytest.mark.postgres_only
def test_an_offer_read_as_already_booked_is_refused_without_locking_or_writing(beneficiary):
    stock = StockFactory(quantity=10)
    book_offer(beneficiary, stock.pk)

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(beneficiary, stock.pk) == "ALREADY_BOOKED"

    statements = [q["sql"] for q in queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql or sql.startswith(("UPDATE", "INSERT"))]
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 1


def test_an_offer_read_as_already_booked_gives_the_earlier_reasons_first(beneficiary):
    stock = StockFactory(quantity=10, price_cents=8_00)
    book_offer(beneficiary, stock.pk)
    Deposit.objects.filter(user=beneficiary).update(expires_at=F("granted_at"))  # the credit expired since

    assert _refusal(beneficiary, stock.pk) == "DEPOSIT_EXPIRED"


def test_a_booking_cancelled_after_the_read_is_seen_by_the_next_attempt(beneficiary):
    stock = StockFactory(quantity=10)
    first = book_offer(beneficiary, stock.pk)
    assert _refusal(beneficiary, stock.pk) == "ALREADY_BOOKED"

    cancel_booking_by_beneficiary(beneficiary, first.pk)

    assert book_offer(beneficiary, stock.pk).pk != first.pk


def _statements(queries) -> list[str]:
    """Each statement's first words, without the test's own savepoints (the test runs in a transaction:
    the booking's becomes a savepoint) nor BEGIN/COMMIT."""
    words = [" ".join(q["sql"].split()[:3]) for q in queries]
    return [w for w in words if not w.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))]


@pytest.mark.postgres_only
def test_a_booking_runs_five_statements_and_a_refusal_read_sold_out_one(beneficiary):
    """Pins the statements of decision 0043 (8 with decision 0040, 12 before it, 18 before decision 0039):
    one read of the stock with its offer, venue, offerer, price, the ticketing flag, whether the person
    already booked the offer and has a push device; the conditional UPDATE; the deposits locked; the
    booking's INSERT; then the deposit's UPDATE and the debit, audit and outbox INSERTs as one statement.
    A refusal of a showtime read sold out, or of an offer read as booked already, makes only the first
    statement, in no transaction: it also says when the person's last credit expires (decision 0045;
    the deposits were read by a second statement before)."""
    stock = StockFactory(quantity=10)

    with CaptureQueriesContext(connection) as queries:
        booking = book_offer(beneficiary, stock.pk)

    assert _statements(queries) == [
        'SELECT t0."id", t0."offer_id",',
        'UPDATE "offers_stock" SET',
        'SELECT t0."id", t0."user_id",',
        'INSERT INTO "bookings_booking"',
        "WITH w0 AS",
    ]
    together = queries[-1]["sql"] if queries[-1]["sql"].startswith("WITH") else queries[-2]["sql"]
    for write in (
        'UPDATE "credit_deposit" SET',
        'INSERT INTO "credit_debit"',
        'INSERT INTO "common_auditlog"',
        'INSERT INTO "notifications_outboxemail"',
    ):
        assert together.count(write) == 1, write
    # Each row the statement wrote is there, with the keys it returned.
    assert Debit.objects.get(booking=booking).amount_cents == booking.amount_cents
    assert AuditLog.objects.filter(action="booking.created", target_id=str(booking.pk)).count() == 1
    assert OutboxEmail.objects.filter(related_id=str(booking.pk)).count() == 2
    assert sum(Deposit.objects.filter(user=beneficiary).values_list("spent_cents", flat=True)) == (
        booking.amount_cents
    )

    sold_out = StockFactory(quantity=2, booked_quantity=2)
    with CaptureQueriesContext(connection) as queries:
        assert _refusal(beneficiary, sold_out.pk) == "NOT_ENOUGH_PLACES"
    assert _statements(queries) == ['SELECT t0."id", t0."offer_id",']
    assert "pushsubscription" in queries[0]["sql"] and "bookings_booking" in queries[0]["sql"]
    assert "credit_deposit" in queries[0]["sql"]

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(beneficiary, stock.pk) == "ALREADY_BOOKED"
    assert _statements(queries) == ['SELECT t0."id", t0."offer_id",']


# --- A refusal without a lock knows the credits by when the last one ends (decision 0045) ---------

# When each credit of the person ends, from now; two credits are those of the 2025 policy.
CREDITS = {
    "none": [],
    "usable": [dt.timedelta(days=700)],
    "expired": [-dt.timedelta(days=1)],
    "ending_this_instant": [dt.timedelta(0)],
    "one_of_two_expired": [-dt.timedelta(days=1), dt.timedelta(days=300)],
    "two_expired": [-dt.timedelta(days=2), -dt.timedelta(days=1)],
}


def _end_credits(user, ends: list[dt.timedelta]) -> None:
    for deposit, end in zip(Deposit.objects.filter(user=user).order_by("pk"), ends, strict=True):
        Deposit.objects.filter(pk=deposit.pk).update(expires_at=NOW + end)


@pytest.mark.parametrize("price_cents", [8_00, 0])
@pytest.mark.parametrize("refused_by", ["sold_out", "already_booked"])
@pytest.mark.parametrize("credits", list(CREDITS))
def test_a_refusal_without_a_lock_gives_the_reason_the_page_gives(credits, refused_by, price_cents):
    ends = CREDITS[credits]
    if refused_by == "already_booked" and not ends:
        pytest.skip("nobody books without a credit")
    person = _person_with_credit_left([(1, 300)] * len(ends))  # usable until `_end_credits` ends them
    if refused_by == "sold_out":
        stock = StockFactory(quantity=2, booked_quantity=2, price_cents=price_cents)
    else:
        stock = StockFactory(quantity=10, price_cents=price_cents)
        book_offer(person, stock.pk)
    _end_credits(person, ends)
    expected = {"sold_out": "NOT_ENOUGH_PLACES", "already_booked": "ALREADY_BOOKED"}[refused_by]
    if not ends:
        expected = "NO_DEPOSIT"
    elif price_cents and max(ends) <= dt.timedelta(0):
        expected = "DEPOSIT_EXPIRED"

    with CaptureQueriesContext(connection) as queries:
        code = _refusal(person, stock.pk)

    assert code == expected
    page = booking_refusal(person, Stock.objects.get(pk=stock.pk), at=NOW)
    assert page is not None and page.code == code
    assert len(_statements(queries)) == 1  # the stock's read, nothing more


# Each credit: (days until it ends, euros left on it); two credits are those of the 2025 policy.
SHORT = {
    "one_short": ([(700, 5)], 8_00, "INSUFFICIENT_CREDIT"),
    "two_enough_together": ([(300, 2), (700, 6)], 8_00, "booked"),
    "two_short_together": ([(300, 2), (700, 5)], 8_00, "INSUFFICIENT_CREDIT"),
    "expired_credit_not_counted": ([(-1, 300), (700, 5)], 8_00, "INSUFFICIENT_CREDIT"),
    "free_showtime": ([(700, 0)], 0, "booked"),
    "exactly_enough": ([(700, 8)], 8_00, "booked"),
}


def _person_with_credit_left(credits: list[tuple[int, int]]):
    user = UserFactory()
    codes = ["GRANT_17_2025", "GRANT_18_2025"] if len(credits) == 2 else ["GRANT_18_2021"][: len(credits)]
    for code, (days, euros) in zip(codes, credits, strict=True):
        DepositFactory(
            user=user,
            policy=CreditPolicy.objects.get(code=code),
            amount_cents=300_00,
            spent_cents=300_00 - euros * 100,
            granted_at=NOW - dt.timedelta(days=800),
            expires_at=NOW + dt.timedelta(days=days),
        )
    return user


@pytest.mark.parametrize("case", list(SHORT))
def test_a_credit_short_of_the_price_is_refused_without_a_lock(case):
    credits, price_cents, expected = SHORT[case]
    person = _person_with_credit_left(credits)
    stock = StockFactory(quantity=10, price_cents=price_cents)
    if expected == "booked":
        assert book_offer(person, stock.pk).amount_cents == price_cents
        return
    page = booking_refusal(person, stock, at=NOW)
    assert page is not None and page.code == expected

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(person, stock.pk) == expected

    assert len(_statements(queries)) == 1  # the stock's read, nothing more
    assert Stock.objects.get(pk=stock.pk).booked_quantity == 0


def test_a_duo_short_of_credit_for_two_places_is_refused_without_a_lock():
    person = _person_with_credit_left([(700, 12)])
    stock = StockFactory(quantity=10, price_cents=8_00, offer__is_duo=True)

    with CaptureQueriesContext(connection) as queries, pytest.raises(DomainError) as refusal:
        book_offer(person, stock.pk, quantity=2)

    assert refusal.value.code == "INSUFFICIENT_CREDIT"
    assert len(_statements(queries)) == 1
    assert book_offer(person, stock.pk, quantity=1).quantity == 1


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("sold_out", "NOT_ENOUGH_PLACES"),
        ("booked_before", "ALREADY_BOOKED"),
        ("expired", "DEPOSIT_EXPIRED"),
        ("not_a_beneficiary", "NOT_A_BENEFICIARY"),
        ("two_places_not_duo", "INVALID_BOOKING_QUANTITY"),
    ],
)
def test_a_credit_short_of_the_price_comes_after_the_earlier_reasons(setup, expected):
    person = _person_with_credit_left([(700, 10)])
    stock = StockFactory(quantity=10, price_cents=8_00)
    quantity = 2 if setup == "two_places_not_duo" else 1
    if setup == "not_a_beneficiary":
        type(person).objects.filter(pk=person.pk).update(role=Role.PRO)
        person.refresh_from_db()
    if setup == "sold_out":
        Stock.objects.filter(pk=stock.pk).update(booked_quantity=10)
    elif setup == "booked_before":
        book_offer(person, stock.pk)  # 2 EUR left
    Deposit.objects.filter(user=person).update(spent_cents=300_00 - 2_00)
    if setup == "expired":
        Deposit.objects.filter(user=person).update(expires_at=NOW)

    with pytest.raises(DomainError) as refusal:
        book_offer(person, stock.pk, quantity=quantity)
    assert refusal.value.code == expected
    assert booking_refusal(person, Stock.objects.get(pk=stock.pk), quantity, at=NOW).code == expected


def test_a_digital_offer_over_the_credit_left_is_refused_without_a_lock_and_its_cap_under_them():
    """Over what the credits have left, a digital offer is short of credit whatever its cap; within it,
    the shared digital cap is planned on every credit read under its lock, as before."""
    person = _person_with_credit_left([(700, 50)])
    Deposit.objects.filter(user=person).update(digital_spent_cents=F("digital_cap_cents"))
    digital = ThingStockFactory(price_cents=8_00, offer__url="https://example.org/film")
    short = ThingStockFactory(price_cents=60_00, offer__url="https://example.org/serie")

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(person, short.pk) == "INSUFFICIENT_CREDIT"
    assert len(_statements(queries)) == 1
    assert booking_refusal(person, short, at=NOW).code == "INSUFFICIENT_CREDIT"

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(person, digital.pk) == "DIGITAL_CAP_REACHED"
    assert len(_statements(queries)) > 1  # told under the locks
    assert booking_refusal(person, digital, at=NOW).code == "DIGITAL_CAP_REACHED"


def test_a_credit_ending_at_the_instant_of_the_read_is_not_counted():
    person = _person_with_credit_left([(700, 300), (700, 5)])
    first = Deposit.objects.filter(user=person).order_by("pk").first()
    Deposit.objects.filter(pk=first.pk).update(expires_at=NOW)  # 300 EUR left, ending now
    stock = StockFactory(quantity=10, price_cents=8_00)

    with CaptureQueriesContext(connection) as queries:
        assert _refusal(person, stock.pk) == "INSUFFICIENT_CREDIT"
    assert len(_statements(queries)) == 1
    assert booking_refusal(person, stock, at=NOW).code == "INSUFFICIENT_CREDIT"


def test_the_credit_left_is_read_at_the_instant_the_booking_is_made_at():
    """A booking made at a given instant (a ticketing system's, a replay) counts the credits usable
    then, not now."""
    person = _person_with_credit_left([(700, 300)])
    Deposit.objects.filter(user=person).update(expires_at=NOW - dt.timedelta(hours=1))
    stock = StockFactory(quantity=10, price_cents=8_00)

    assert _refusal(person, stock.pk) == "DEPOSIT_EXPIRED"
    booking = book_offer(person, stock.pk, at=NOW - dt.timedelta(hours=2))
    assert booking.amount_cents == 8_00
