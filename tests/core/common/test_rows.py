"""Prebuilt reads and inserts (core.common.rows, decision 0040): the instances are those the ORM makes."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from passculture.core.common import rows
from passculture.core.common.models import AuditLog
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import Deposit
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import PriceCategory, PriceCategoryLabel, Stock
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db

STOCK = rows.RowReader(Stock, related=("offer__venue__offerer", "price_category__label"))


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_read_gives_the_orm_s_instances_with_their_relations_loaded():
    stock = StockFactory()
    label = PriceCategoryLabel.objects.create(venue=stock.offer.venue, label="Tarif réduit")
    category = PriceCategory.objects.create(offer=stock.offer, label=label, price_cents=stock.price_cents)
    Stock.objects.filter(pk=stock.pk).update(price_category=category)
    expected = Stock.objects.select_related("offer__venue__offerer", "price_category__label").get(pk=stock.pk)

    read = STOCK.one(connection, [stock.pk])

    with CaptureQueriesContext(connection) as queries:
        pairs = [
            (read, expected),
            (read.offer, expected.offer),
            (read.offer.venue, expected.offer.venue),
            (read.offer.venue.offerer, expected.offer.venue.offerer),
            (read.price_category, expected.price_category),
            (read.price_category.label, expected.price_category.label),
        ]
    assert len(queries) == 0  # every relation came with the read
    for got, want in pairs:
        assert _values(got) == _values(want)
        assert got._state.adding is False and got._state.db == "default"
    assert read.price_category.label.label == "Tarif réduit"


def test_a_missing_optional_relation_is_none_and_a_missing_row_is_none():
    stock = StockFactory(price_category=None)

    read = STOCK.one(connection, [stock.pk])

    with CaptureQueriesContext(connection) as queries:
        assert read.price_category is None
    assert len(queries) == 0
    assert STOCK.one(connection, [stock.pk + 1000]) is None


def test_filters_order_and_extra_columns():
    user = UserFactory()
    mine, other = DepositFactory(user=user), DepositFactory()
    Deposit.objects.filter(pk=mine.pk).update(amount_cents=1)
    reader = rows.RowReader(
        Deposit,
        where=("user",),
        extra=[("is_tiny", lambda conn, column: (f"{column('', 'amount_cents')} < %s", [100]))],
    )

    found = reader.all(connection, [user.pk])

    assert [(d.pk, d.amount_cents, bool(d.is_tiny)) for d in found] == [(mine.pk, 1, True)]
    assert not bool(reader.one(connection, [other.user_id]).is_tiny)

    entries = [AuditLog.objects.create(action="test.order") for _ in range(3)]
    by_id = rows.RowReader(AuditLog, where=("action",), order_by=("id",))
    assert [e.pk for e in by_id.all(connection, ["test.order"])] == sorted(e.pk for e in entries)


def test_an_extra_column_with_a_field_is_converted_as_that_field_s_column():
    stock = StockFactory()
    beginning = rows.field_of(Stock, "beginning_datetime")

    def latest(conn, column):
        """An aggregate: SQLite's driver then knows no declared type to convert it by."""
        table, quote = conn.ops.quote_name(Stock._meta.db_table), conn.ops.quote_name
        key, value = quote("id"), quote(beginning.column)
        return f"SELECT MAX(s.{value}) FROM {table} s WHERE s.{key} = {column('', 'id')}", []

    reader = rows.RowReader(Stock, extra=[("raw", latest), ("converted", latest, beginning)])
    found = reader.one(connection, [stock.pk])

    assert found.converted == stock.beginning_datetime  # an aware datetime on every backend
    if connection.vendor == "sqlite":
        assert isinstance(found.raw, str)  # what SQLite gives without the field's converters


def test_a_condition_is_anded_to_the_equalities_with_its_params_given_at_each_call():
    entries = [AuditLog.objects.create(action="test.condition") for _ in range(3)]
    AuditLog.objects.create(action="test.other")
    reader = rows.RowReader(
        AuditLog,
        where=("action",),
        order_by=("id",),
        condition=lambda conn, column: (f"{column('', 'id')} > %s", [rows.Param("after")]),
    )

    found = reader.all(connection, ["test.condition"], after=entries[0].pk)

    assert [e.pk for e in found] == [entries[1].pk, entries[2].pk]
    assert reader.all(connection, ["test.condition"], after=entries[2].pk) == []


def test_a_locking_read_says_for_update_of_its_own_table_on_postgresql():
    reader = rows.RowReader(Deposit, related=("policy",), where=("user",), for_update=True)
    sql = reader.compiled(connection).sql
    if connection.features.has_select_for_update_of:
        assert sql.endswith("FOR UPDATE OF t0")
    else:
        assert "FOR UPDATE" not in sql


def test_insert_sets_the_keys_and_the_automatic_fields_like_the_orm():
    entries = [AuditLog(action="test.one", data={"n": 1}), AuditLog(action="test.two", data={"é": [1, 2]})]

    with CaptureQueriesContext(connection) as queries:
        rows.insert(connection, entries)

    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1  # one statement for both
    assert entries[0].pk < entries[1].pk
    stored = {e.pk: e for e in AuditLog.objects.filter(pk__in=[e.pk for e in entries])}
    for entry in entries:
        assert entry.created_at is not None  # auto_now_add, set on the instance as save() does
        assert stored[entry.pk].created_at == entry.created_at
        assert stored[entry.pk].data == entry.data
        assert entry._state.adding is False


def test_insert_refuses_a_row_that_already_has_a_key():
    entry = AuditLog.objects.create(action="test.saved")
    with pytest.raises(ValueError):
        rows.insert(connection, [entry])


@pytest.mark.postgres_only
def test_the_hot_statements_are_prepared_once_per_connection_on_postgresql():
    stock = StockFactory()
    connection.ensure_connection()
    assert connection.connection.prepare_threshold is not None  # settings: on by default

    for _ in range(2):
        STOCK.one(connection, [stock.pk])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%offers_stock%t0%"]
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.postgres_only
def test_logged_queries_and_prepared_statements_turned_off_use_the_usual_cursor(monkeypatch):
    connection.ensure_connection()
    with CaptureQueriesContext(connection), rows.hot_cursor(connection) as cursor:
        assert type(cursor.cursor).__name__ != "PreparingCursor"  # the log needs the statement's text
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    with rows.hot_cursor(connection) as cursor:
        assert type(cursor.cursor).__name__ != "PreparingCursor"
    monkeypatch.undo()
    with rows.hot_cursor(connection) as cursor:
        assert type(cursor.cursor).__name__ == "PreparingCursor"


def _writes_of_a_spend(deposit, entries):
    writes = rows.Writes(connection)
    writes.add(
        "UPDATE credit_deposit SET spent_cents = spent_cents + %s WHERE id = %s",
        [7_00, deposit.pk],
    )
    writes.insert(entries[:2])
    writes.insert(entries[2:])
    return writes


def test_writes_run_together_and_give_each_new_row_its_key_in_order():
    deposit = DepositFactory(user=UserFactory())
    entries = [AuditLog(action=f"test.{n}", data={"n": n}) for n in range(3)]
    writes = _writes_of_a_spend(deposit, entries)

    with CaptureQueriesContext(connection) as queries:
        writes.execute()

    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # One statement on PostgreSQL; one by one elsewhere.
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)
    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)
    for entry in entries:
        assert entry._state.adding is False
        assert AuditLog.objects.get(pk=entry.pk).data == entry.data
    deposit.refresh_from_db()
    assert deposit.spent_cents == 7_00
    with CaptureQueriesContext(connection) as queries:
        writes.execute()  # sent once: nothing left
    assert not queries


def test_writes_that_fail_leave_nothing_behind():
    deposit = DepositFactory(user=UserFactory(), amount_cents=5_00)  # the spend breaks the CHECK
    entries = [AuditLog(action="test.failed")]
    writes = rows.Writes(connection)
    writes.insert(entries)
    writes.add("UPDATE credit_deposit SET spent_cents = spent_cents + %s WHERE id = %s", [7_00, deposit.pk])

    with pytest.raises(IntegrityError), transaction.atomic():
        writes.execute()

    assert not AuditLog.objects.filter(action="test.failed").exists()
    deposit.refresh_from_db()
    assert deposit.spent_cents == 0


def test_writes_refuse_a_row_that_already_has_a_key():
    entry = AuditLog.objects.create(action="test.saved")
    with pytest.raises(ValueError):
        rows.Writes(connection).insert([entry])


@pytest.mark.postgres_only
def test_writes_are_one_prepared_statement_on_postgresql():
    deposit = DepositFactory(user=UserFactory())
    for _ in range(2):
        _writes_of_a_spend(deposit, [AuditLog(action="test.prepared") for _ in range(3)]).execute()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["WITH w0 AS (UPDATE credit_deposit%"],
        )
        assert cursor.fetchone()[0] == 1
    assert AuditLog.objects.filter(action="test.prepared").count() == 6
