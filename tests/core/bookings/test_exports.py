"""The bookings export: typed rows in the column order, the same bookings as the filtered list, audited."""

import datetime as dt
from decimal import Decimal

import pytest

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.exports import EXPORT_COLUMNS, booking_export_rows, export_bookings
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.selectors import BookingFilters
from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_the_columns_are_the_ones_the_pro_expects_in_french():
    assert [c.header for c in EXPORT_COLUMNS] == [
        "Lieu",
        "Offre",
        "Date et heure",
        "Contremarque",
        "Bénéficiaire",
        "Email",
        "Téléphone",
        "Réservé le",
        "Quantité",
        "Tarif",
        "Prix unitaire",
        "Total",
        "Statut",
        "Validée le",
    ]


def test_a_row_holds_typed_values_in_the_venues_timezone():
    venue = VenueFactory(name="Ciné Sud", public_name="", timezone="Indian/Reunion")
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utc(2026, 3, 14, 16, 0)
    )
    user = UserFactory(
        first_name="Léa", last_name="Payet", email="lea@example.com", phone_number="+262692000000"
    )
    BookingFactory(
        stock=stock,
        user=user,
        token="ABC234",
        quantity=2,
        amount_cents=750,
        booked_at=utc(2026, 3, 9, 8, 0),
        status=BookingStatus.USED,
        used_at=utc(2026, 3, 14, 15, 45),
    )
    (row,) = booking_export_rows([venue.offerer_id])
    assert row[:2] == ("Ciné Sud", "Orbite basse")
    assert row[2].replace(tzinfo=None) == dt.datetime(2026, 3, 14, 20, 0)
    assert row[3:7] == ("ABC234", "Léa Payet", "lea@example.com", "+262692000000")
    assert row[7].replace(tzinfo=None) == dt.datetime(2026, 3, 9, 12, 0)
    assert row[8:13] == (2, "Tarif unique", Decimal("7.50"), Decimal("15.00"), "Validée")
    assert row[13].replace(tzinfo=None) == dt.datetime(2026, 3, 14, 19, 45)


def test_a_thing_or_unvalidated_booking_leaves_its_dates_empty(venue):
    BookingFactory(
        stock__offer__venue=venue,
        stock__beginning_datetime=None,
        stock__booking_limit_datetime=None,
        stock__price_cents=1000,
    )
    (row,) = booking_export_rows([venue.offerer_id])
    assert row[2] is None
    assert row[13] is None


def test_a_row_gives_the_price_category_booked(venue):
    BookingFactory(stock__offer__venue=venue, amount_cents=650, price_category_label="Tarif réduit")
    (row,) = booking_export_rows([venue.offerer_id])
    assert row[9:11] == ("Tarif réduit", Decimal("6.50"))


def test_rows_follow_the_filters(venue):
    kept = BookingFactory(stock__offer__venue=venue, status=BookingStatus.CANCELLED, cancelled_at=NOW)
    BookingFactory(stock__offer__venue=venue)
    rows = list(booking_export_rows([venue.offerer_id], BookingFilters(status=BookingStatus.CANCELLED)))
    assert [row[3] for row in rows] == [kept.token]


def test_rows_never_include_another_offerers_bookings(venue):
    mine = BookingFactory(stock__offer__venue=venue)
    BookingFactory()
    assert [row[3] for row in booking_export_rows([venue.offerer_id])] == [mine.token]


def test_an_export_is_written_to_the_audit_log_with_who_what_and_how_many(pro, venue):
    BookingFactory.create_batch(3, stock__offer__venue=venue)
    filters = BookingFilters(status=BookingStatus.CONFIRMED, date_from=dt.date(2026, 3, 1))
    export = export_bookings(pro, venue.offerer, filters, "csv")
    entry = AuditLog.objects.get(action="bookings.exported")
    assert entry.actor == pro
    assert entry.target_id == str(venue.offerer_id)
    assert entry.data == {"format": "csv", "filters": filters.as_dict(), "row_count": 3}
    assert export.row_count == 3
    assert len(list(export.rows)) == 3


def test_the_export_file_is_named_after_the_siren_and_the_day(pro, venue):
    export = export_bookings(pro, venue.offerer, BookingFilters(), "xlsx")
    assert export.filename == f"reservations-{venue.offerer.siren}-2026-03-10.xlsx"


def test_export_rows_are_read_in_one_query(venue, django_assert_num_queries):
    BookingFactory.create_batch(5, stock__offer__venue=venue)
    with django_assert_num_queries(1):
        rows = list(booking_export_rows([venue.offerer_id]))
    assert len(rows) == 5
