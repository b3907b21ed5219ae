"""The pro's export of their (filtered) bookings: one column list for CSV and XLSX, rows of typed values.

Rows are read with `.values()` and a server-side cursor, so tens of thousands of bookings never become
model instances. Times are in each venue's timezone, money in euros (the edge of the domain).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from passculture.core.common.audit import log_action
from passculture.core.common.exports import Column, Kind
from passculture.core.common.money import cents_to_euros
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.offers.constants import UNIQUE_PRICE_LABEL

from .constants import BookingStatus
from .selectors import BookingFilters, bookings_for_offerers

EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("venue", "Lieu", Kind.TEXT, 28),
    Column("offer", "Offre", Kind.TEXT, 32),
    Column("event_datetime", "Date et heure", Kind.DATETIME, 17),
    Column("countermark", "Contremarque", Kind.TEXT, 14),
    Column("beneficiary", "Bénéficiaire", Kind.TEXT, 26),
    Column("email", "Email", Kind.TEXT, 30),
    Column("phone", "Téléphone", Kind.TEXT, 16),
    Column("booked_at", "Réservé le", Kind.DATETIME, 17),
    Column("quantity", "Quantité", Kind.INTEGER, 10),
    Column("price_label", "Tarif", Kind.TEXT, 18),
    Column("unit_price", "Prix unitaire", Kind.EUROS, 13),
    Column("total", "Total", Kind.EUROS, 12),
    Column("status", "Statut", Kind.TEXT, 13),
    Column("validated_at", "Validée le", Kind.DATETIME, 17),
)
EXPORT_FORMATS = ("csv", "xlsx")
ITERATOR_CHUNK_SIZE = 2000

_FIELDS = (
    "venue__name",
    "venue__public_name",
    "venue__timezone",
    "offer__name",
    "stock__beginning_datetime",
    "token",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__phone_number",
    "booked_at",
    "quantity",
    "amount_cents",
    "price_category_label",
    "status",
    "used_at",
)
_STATUS_LABELS = dict(BookingStatus.choices)


def _row(values: dict[str, Any]) -> tuple:
    tz_name = values["venue__timezone"]

    def local(moment):
        return to_local(moment, tz_name) if moment is not None else None

    unit_cents = values["amount_cents"]
    return (
        values["venue__public_name"] or values["venue__name"],
        values["offer__name"],
        local(values["stock__beginning_datetime"]),
        values["token"],
        f"{values['user__first_name']} {values['user__last_name']}".strip(),
        values["user__email"],
        values["user__phone_number"],
        local(values["booked_at"]),
        values["quantity"],
        values["price_category_label"] or UNIQUE_PRICE_LABEL,
        cents_to_euros(unit_cents),
        cents_to_euros(unit_cents * values["quantity"]),
        _STATUS_LABELS.get(values["status"], values["status"]),
        local(values["used_at"]),
    )


def booking_export_rows(offerer_ids: Iterable[int], filters: BookingFilters | None = None) -> Iterator[tuple]:
    """One tuple per booking, in EXPORT_COLUMNS order, same bookings and order as the pro list."""
    queryset = bookings_for_offerers(offerer_ids, filters).values(*_FIELDS)
    for values in queryset.iterator(chunk_size=ITERATOR_CHUNK_SIZE):
        yield _row(values)


def export_filename(offerer, fmt: str, at) -> str:
    day = timezone.localdate(at)
    return f"reservations-{offerer.siren}-{day.isoformat()}.{fmt}"


@dataclass
class BookingExport:
    columns: tuple[Column, ...]
    rows: Iterator[tuple]
    row_count: int
    filename: str


def export_bookings(actor, offerer, filters: BookingFilters, fmt: str) -> BookingExport:
    """Starts an export of an offerer's filtered bookings and writes who asked for what in the audit log.

    The row count is taken when the export starts; the rows themselves are read lazily by the writer.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    row_count = bookings_for_offerers([offerer.pk], filters).count()
    log_action(
        "bookings.exported",
        actor=actor,
        target=offerer,
        data={"format": fmt, "filters": filters.as_dict(), "row_count": row_count},
    )
    return BookingExport(
        columns=EXPORT_COLUMNS,
        rows=booking_export_rows([offerer.pk], filters),
        row_count=row_count,
        filename=export_filename(offerer, fmt, utcnow()),
    )
