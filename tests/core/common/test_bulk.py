"""Bulk rows: what insert_rows writes and stream_values reads is what the ORM writes and reads."""

import datetime as dt
import threading
from decimal import Decimal

import pytest

from passculture.core.common.bulk import insert_rows, jsonb_binary, prefetched, stream_values
from passculture.core.finance.constants import PricingScope, PricingStatus
from passculture.core.finance.factories import UsedBookingFactory
from passculture.core.finance.models import Pricing, ReimbursementScale
from passculture.core.finance.pricing import NEW_PRICING_FIELDS
from passculture.core.offers.factories import OfferFactory
from passculture.core.offers.models import Stock

FIELDS = NEW_PRICING_FIELDS


def _row(booking, validated_at, event_at, rate):
    return (
        booking.pk,
        booking.venue_id,
        booking.offerer_id,
        PricingScope.VENUE.value,
        2026,
        validated_at,
        event_at,
        1030,
        0,
        1030,
        ReimbursementScale.objects.first().pk,
        0,
        None,
        rate,
        979,
        PricingStatus.PRICED.value,
        validated_at,
    )


def test_inserted_rows_read_back_through_the_orm_and_compare_as_instants(db):
    paris = dt.timezone(dt.timedelta(hours=1))
    first, second = UsedBookingFactory(), UsedBookingFactory()
    validated = dt.datetime(2026, 3, 1, 23, 30, 0, 123456, tzinfo=paris)  # 22:30:00.123456 UTC
    rows = [
        _row(first, validated, None, Decimal("0.95")),
        _row(second, validated + dt.timedelta(seconds=1), validated - dt.timedelta(days=2), None),
    ]

    assert insert_rows(Pricing, FIELDS, iter(rows)) == 2

    one, two = Pricing.objects.order_by("validated_at")
    assert (one.booking_id, one.validated_at, one.event_at, one.rate) == (
        first.pk,
        validated,
        None,
        Decimal("0.95"),
    )
    assert (two.booking_id, two.event_at, two.rate) == (second.pk, validated - dt.timedelta(days=2), None)
    # Stored like the ORM stores: a filter on the instant finds exactly the right row.
    assert list(Pricing.objects.filter(validated_at__gt=validated).values_list("booking_id", flat=True)) == [
        second.pk
    ]


def test_json_columns_are_stored_as_the_orm_stores_them(db):
    offer = OfferFactory()
    start = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)
    fields = ("offer", "price_cents", "booked_quantity", "beginning_datetime", "version", "is_deleted")
    fields += ("provider_ref", "id_at_provider", "features", "edited_fields", "created_at", "updated_at")
    values = {
        "empty": ([], ()),
        "full": (["3D", "VO é"], ["price_cents", {"nested": [1, None, 2.5, True]}]),
        "object": ({}, {"a": "b"}),
    }
    rows = [
        (offer.pk, 700, 0, start, "VF", False, ref, "", features, edited, start, start)
        for ref, (features, edited) in values.items()
    ]

    assert insert_rows(Stock, fields, rows) == 3

    stored = {s.provider_ref: (s.features, s.edited_fields) for s in Stock.objects.filter(offer=offer)}
    assert stored == {
        "empty": ([], []),
        "full": (["3D", "VO é"], ["price_cents", {"nested": [1, None, 2.5, True]}]),
        "object": ({}, {"a": "b"}),
    }
    # Stored as JSON, not as a string: a key lookup finds it.
    assert list(
        Stock.objects.filter(offer=offer, edited_fields__a="b").values_list("provider_ref", flat=True)
    ) == ["object"]


def test_jsonb_binary_is_a_version_byte_then_the_json_text():
    assert jsonb_binary([]) == jsonb_binary(()) == b"\x01[]"
    assert jsonb_binary({}) == b"\x01{}"
    assert jsonb_binary({"a": [1, "é"]}) == b'\x01{"a": [1, "\\u00e9"]}'
    assert jsonb_binary(0) == b"\x010"
    assert jsonb_binary("") == b'\x01""'
    assert jsonb_binary(None) is None


def test_stream_values_reads_what_values_list_reads(db):
    """In a transaction (a pricing run, a batch's files), by chunks, like the ORM reads."""
    for _ in range(3):
        UsedBookingFactory()
    from passculture.core.bookings.models import Booking

    query = Booking.objects.order_by("id").values_list("id", "used_at", "amount_cents", "is_digital")
    fast = list(stream_values(query, 2))
    assert fast == list(query)
    assert all(row[1].utcoffset() == dt.timedelta(0) for row in fast)


def _fetch_threads():
    return [thread for thread in threading.enumerate() if thread.name == "bulk-read-ahead"]


def test_rows_read_ahead_come_in_order_and_stopping_early_ends_the_reading_thread():
    source = iter([[1, 2], [3], [4, 5], []])
    assert list(prefetched(lambda: next(source))) == [[1, 2], [3], [4, 5]]

    endless = iter(range(10**9))
    chunks = prefetched(lambda: [next(endless)])
    assert next(chunks) == [0]
    chunks.close()
    assert _fetch_threads() == []


def test_an_error_while_reading_ahead_is_raised_to_the_reader():
    def fetch():
        raise RuntimeError("connexion perdue")

    with pytest.raises(RuntimeError, match="connexion perdue"):
        list(prefetched(fetch))
    assert _fetch_threads() == []


def test_updated_rows_read_back_through_the_orm(db):
    from passculture.core.common.bulk import update_rows
    from passculture.core.offers.factories import StockFactory
    from passculture.core.offers.models import Stock

    first, second, untouched = StockFactory(), StockFactory(), StockFactory()
    start = dt.datetime(2026, 5, 1, 18, 30, tzinfo=dt.UTC)

    sent = update_rows(
        Stock,
        ["quantity", "beginning_datetime", "features", "version"],
        [(first.pk, None, start, ["3D"], "VO"), (second.pk, 7, start, [], "")],
    )

    assert sent == 2
    rows = {s.pk: s for s in Stock.objects.all()}
    assert (rows[first.pk].quantity, rows[first.pk].beginning_datetime, rows[first.pk].features) == (
        None,
        start,
        ["3D"],
    )
    assert (rows[second.pk].quantity, rows[second.pk].version) == (7, "")
    assert rows[untouched.pk].quantity == untouched.quantity
    assert update_rows(Stock, ["quantity"], []) == 0


def test_statements_run_in_order_in_one_go_and_answer_the_last_ones_rows(db, django_assert_num_queries):
    from django.db import connection

    from passculture.core.common.audit import audit_entry
    from passculture.core.common.bulk import Statements
    from passculture.core.common.models import AuditLog
    from passculture.core.offers.factories import StockFactory
    from passculture.core.offers.models import Stock

    stock = StockFactory(quantity=5)
    statements = Statements()
    statements.update(Stock, stock.pk, {"quantity": 9, "features": ["3D"]})
    statements.insert(audit_entry("test.done", actor_label="test %s 100 %", data={"ids": [1]}))
    # A later statement sees the earlier ones' writes; a literal % is doubled, as with parameters.
    statements.add(
        "SELECT quantity, (SELECT actor_label FROM common_auditlog ORDER BY id DESC LIMIT 1), '%%' "
        "FROM offers_stock WHERE id = %s",
        [stock.pk],
    )

    # One round trip on PostgreSQL; one execute each elsewhere.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        rows = statements.execute()

    assert rows == [(9, "test %s 100 %", "%")]
    assert len(statements) == 0 and statements.execute() == []
    stock.refresh_from_db()
    assert stock.features == ["3D"]
    entry = AuditLog.objects.get(action="test.done")
    assert entry.data == {"ids": [1]} and entry.created_at is not None


def test_a_failing_statement_raises_and_rolls_back_with_the_transaction(db):
    from django.db import DatabaseError, transaction

    from passculture.core.common.bulk import Statements
    from passculture.core.offers.factories import StockFactory
    from passculture.core.offers.models import Stock

    stock = StockFactory(quantity=5)
    statements = Statements()
    statements.update(Stock, stock.pk, {"quantity": 9})
    statements.update(Stock, stock.pk, {"price_cents": -1})  # stock_price_not_negative

    with pytest.raises(DatabaseError), transaction.atomic():
        statements.execute()

    stock.refresh_from_db()
    assert stock.quantity == 5
