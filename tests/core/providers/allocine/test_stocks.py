"""The imported future showtimes the import compares are read as rows (stocks.future_stock_rows), with the
statement written once on PostgreSQL: the same rows as the ORM's query, on both databases."""

import datetime as dt

import pytest

from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.providers.allocine.stocks import StockRow, _queryset, future_stock_rows

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_the_rows_are_the_future_imported_showtimes_of_the_offers_with_their_open_alert():
    offer, other = OfferFactory(), OfferFactory()
    start = AT + dt.timedelta(days=1)
    alerted = StockFactory(offer=offer, beginning_datetime=start, provider_ref="allocine:M1:a:VF")
    edited = StockFactory(
        offer=offer,
        beginning_datetime=start + dt.timedelta(hours=2),
        booking_limit_datetime=start,
        provider_ref="allocine:M1:b:VO",
        version="VO",
        quantity=None,
        edited_fields=["price_cents"],
    )
    deleted = StockFactory(
        offer=offer, beginning_datetime=start, provider_ref="allocine:M1:c:", is_deleted=True
    )
    StockFactory(offer=offer, beginning_datetime=AT, provider_ref="allocine:M1:past:VF")  # not after `at`
    StockFactory(offer=offer, beginning_datetime=start, provider_ref="other:M1")
    StockFactory(offer=other, beginning_datetime=start, provider_ref="allocine:M2:a:VF")
    AllocineVanishedShowtime.objects.create(venue=offer.venue, stock=alerted, detected_at=AT, resolved_at=AT)
    open_alert = AllocineVanishedShowtime.objects.create(venue=offer.venue, stock=alerted, detected_at=AT)

    rows = future_stock_rows([offer.pk], AT)

    assert set(rows) == {"allocine:M1:a:VF", "allocine:M1:b:VO", "allocine:M1:c:"}
    assert rows["allocine:M1:a:VF"] == StockRow(
        alerted.pk, offer.pk, 800, None, 100, 0, start, start, "VF", False, open_alert.pk, ()
    )
    assert rows["allocine:M1:b:VO"] == StockRow(
        edited.pk,
        offer.pk,
        800,
        None,
        None,
        0,
        start,
        start + dt.timedelta(hours=2),
        "VO",
        False,
        None,
        ["price_cents"],
    )
    assert rows["allocine:M1:c:"].pk == deleted.pk and rows["allocine:M1:c:"].is_deleted is True
    # The instants compare equal to the ORM's (aware, UTC).
    orm = {ref: row for ref, *row in _queryset([offer.pk], AT)}
    assert {ref: tuple(row)[:-1] for ref, row in rows.items()} == {
        ref: tuple(row[:-1]) for ref, row in orm.items()
    }
    assert future_stock_rows([], AT) == {}


def test_a_feed_start_is_its_utc_instant_and_its_iso_text_in_the_venue_s_timezone():
    from passculture.core.common.time import local_to_utc
    from passculture.core.providers.allocine.stocks import feed_start

    evening = dt.datetime(2026, 7, 1, 20, 30)
    assert feed_start(evening, "Europe/Paris") == (
        dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC),
        "2026-07-01T20:30:00",
    )
    assert feed_start(evening, "America/Cayenne")[0] == dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)
    skipped = dt.datetime(2026, 3, 29, 2, 30)  # skipped by the daylight-saving change in Paris
    assert feed_start(skipped, "Europe/Paris") == (
        local_to_utc(skipped, "Europe/Paris"),
        "2026-03-29T02:30:00",
    )


def test_new_rows_hold_each_showtime_of_each_offer_in_the_inserted_fields_order():
    from passculture.core.providers.allocine.stocks import INSERTED_FIELDS, new_stock_rows

    start, later = AT + dt.timedelta(days=1), AT + dt.timedelta(days=2)
    rows = new_stock_rows(
        [(1, 10, [(start, "VF", "allocine:M1:a:VF"), (later, "VO", "allocine:M1:b:VO")]), (2, None, [])],
        700,
        None,
        AT,
    )

    assert [dict(zip(INSERTED_FIELDS, row, strict=True)) for row in rows] == [
        {
            "offer": 1,
            "price_category": 10,
            "price_cents": 700,
            "quantity": None,
            "booked_quantity": 0,
            "beginning_datetime": when,
            "booking_limit_datetime": when,
            "version": version,
            "is_deleted": False,
            "provider_ref": ref,
            "id_at_provider": "",
            "features": [],
            "edited_fields": [],
            "created_at": AT,
            "updated_at": AT,
        }
        for when, version, ref in ((start, "VF", "allocine:M1:a:VF"), (later, "VO", "allocine:M1:b:VO"))
    ]
