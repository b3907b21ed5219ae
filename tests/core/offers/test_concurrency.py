"""Stocks under real concurrency on PostgreSQL (helpers shared with the booking concurrency tests)."""

import threading
from typing import Any

from django.db import connection, transaction

from passculture.core.offers import services
from passculture.core.offers.factories import ThingOfferFactory, ThingStockFactory
from passculture.core.offers.models import Offer, Stock
from tests.core.bookings.test_concurrency import (
    JOIN_TIMEOUT,
    _backend_waits_on_lock,
    _call,
    _poll,
    _prepare_connection,
    assert_no_errors,
    concurrent,
    join_all,
    run_concurrently,
)


@concurrent
def test_two_concurrent_stock_creations_for_a_card_make_one_stock(venue, pro):
    rounds = 10
    for round_no in range(rounds):
        offer = ThingOfferFactory(venue=venue)
        create = lambda o=offer: services.create_stock(offer=o, price_cents=20_00, actor=pro)  # noqa: E731

        outcomes = run_concurrently([create, create])

        assert_no_errors(outcomes)
        assert sorted(o.kind for o in outcomes) == ["ok", "refused"], f"round {round_no}: {outcomes}"
        assert [o.value for o in outcomes if o.kind == "refused"] == ["THING_OFFER_HAS_A_STOCK"]
        assert Stock.objects.filter(offer=offer, is_deleted=False).count() == 1, f"round {round_no}"


@concurrent
def test_stock_creation_for_a_card_waits_for_the_offer_lock_and_rechecks_after_it(venue, pro):
    offer = ThingOfferFactory(venue=venue)
    ready, finished = threading.Event(), threading.Event()
    state: dict[str, Any] = {}

    def create_as_b() -> None:
        try:
            _prepare_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            ready.set()
            state["outcome"] = _call(lambda: services.create_stock(offer=offer, price_cents=20_00, actor=pro))
        finally:
            finished.set()
            connection.close()

    b = threading.Thread(target=create_as_b, daemon=True, name="connection-B")
    with transaction.atomic():  # connection A: another creation holds the offer
        Offer.objects.select_for_update().get(pk=offer.pk)
        b.start()
        assert ready.wait(JOIN_TIMEOUT), "connection B never started"
        waited = _poll(lambda: _backend_waits_on_lock(state["pid"]) or finished.is_set())
        assert waited, "connection B neither waited on a lock nor finished"
        assert not finished.is_set(), f"B finished while A held the offer lock: {state.get('outcome')}"
        ThingStockFactory(offer=offer)
    join_all([b])

    assert state["outcome"].kind == "refused", state["outcome"]
    assert state["outcome"].value == "THING_OFFER_HAS_A_STOCK"
    assert Stock.objects.filter(offer=offer).count() == 1
