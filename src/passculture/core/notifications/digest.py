"""The daily digest of a venue's bookings and cancellations, to its booking address (decision 0035).

Built from plain rows (dicts read with `.values()` by core/bookings/digest.py) so that a venue with
hundreds of bookings a day costs two queries and no model instance per booking. It shows no more about
a beneficiary than the email per booking does: only the name, as that email prints it.
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from passculture.core.bookings.constants import CancellationReason
from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_WEEKDAYS, format_day, format_local, to_local
from passculture.core.offers.constants import UNIQUE_PRICE_LABEL, Version

from .builders import CANCELLED_BY, EmailContent, _build

KIND = "booking_digest_pro"
# The fields each row carries (core/bookings/digest.py reads exactly these).
ROW_FIELDS = (
    "id",
    "token",
    "quantity",
    "amount_cents",
    "price_category_label",
    "booked_at",
    "cancelled_at",
    "cancellation_reason",
    "stock_id",
    "stock__beginning_datetime",
    "stock__version",
    "offer__name",
    "user__first_name",
    "user__last_name",
)
VERSIONS = dict(Version.choices)


def bookings_list_url(venue_id: int, day: dt.date) -> str:
    """The pro portal's bookings list, filtered to the venue and to the bookings made that (local) day."""
    query = urlencode(
        {"date_kind": "booking", "date_from": day.isoformat(), "date_to": day.isoformat(), "venue": venue_id}
    )
    return f"{settings.PUBLIC_BASE_URL}{reverse('pro:bookings')}?{query}"


def settings_url(venue_id: int) -> str:
    """The venue's page in the pro portal where the booking address and the digest are chosen."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('pro:venue-booking-emails', args=[venue_id])}"


def _hour(moment: dt.datetime, tz_name: str) -> str:
    local = to_local(moment, tz_name)
    return f"{local.hour:02d}h{local.minute:02d}"


def _line(row: dict, tz_name: str, *, cancelled: bool) -> dict:
    name = f"{row['user__first_name']} {row['user__last_name']}".strip() or "Bénéficiaire"
    line = {
        "countermark": row["token"],
        "name": name,
        "price_label": row["price_category_label"] or UNIQUE_PRICE_LABEL,
        "quantity": row["quantity"],
        "unit_price": format_euros(row["amount_cents"]),
        "booked_at": _hour(row["booked_at"], tz_name),
    }
    if cancelled:
        reason = row["cancellation_reason"] or CancellationReason.OFFERER
        line["cancelled_by"] = CANCELLED_BY.get(reason, CANCELLED_BY[CancellationReason.OFFERER])
        line["cancelled_at"] = _hour(row["cancelled_at"], tz_name)
    return line


def _by_showtime(rows: list[dict], tz_name: str, *, cancelled: bool) -> list[dict]:
    """One group per showtime (or per stock of a thing), in the order of their start, then the film."""
    groups: dict[int, dict] = {}
    for row in rows:
        group = groups.get(row["stock_id"])
        if group is None:
            begins = row["stock__beginning_datetime"]
            group = groups[row["stock_id"]] = {
                "film": row["offer__name"],
                "begins": begins,
                "when": format_local(begins, tz_name, with_weekday=True) if begins is not None else "",
                "version": VERSIONS.get(row["stock__version"] or "", "") if row["stock__version"] else "",
                "lines": [],
                "places": 0,
            }
        group["lines"].append(_line(row, tz_name, cancelled=cancelled))
        group["places"] += row["quantity"]
    ordered = sorted(
        groups.values(),
        key=lambda g: (g["begins"] is None, g["begins"] or dt.datetime.min.replace(tzinfo=dt.UTC), g["film"]),
    )
    for group in ordered:
        key = "cancelled_at" if cancelled else "booked_at"
        group["lines"].sort(key=lambda line, key=key: (line[key], line["countermark"]))
    return ordered


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def booking_digest_to_pro(
    venue, day: dt.date, booked: list[dict], cancelled: list[dict]
) -> EmailContent | None:
    """The digest of `day` (the venue's local day) for `venue`; None when there is nothing to tell or no
    address to tell it to."""
    if not venue.booking_email or not (booked or cancelled):
        return None
    tz_name = venue.timezone
    booked_places = sum(row["quantity"] for row in booked)
    cancelled_places = sum(row["quantity"] for row in cancelled)
    day_label = f"{FRENCH_WEEKDAYS[day.weekday()]} {format_day(day)}"
    context = {
        "venue_name": venue.display_name,
        "day_label": day_label,
        "booked_groups": _by_showtime(booked, tz_name, cancelled=False),
        "cancelled_groups": _by_showtime(cancelled, tz_name, cancelled=True),
        "booked_summary": _count(len(booked), "réservation", "réservations")
        + f" ({_count(booked_places, 'place', 'places')})",
        "cancelled_summary": _count(len(cancelled), "annulation", "annulations")
        + f" ({_count(cancelled_places, 'place', 'places')})",
        "booked_count": len(booked),
        "cancelled_count": len(cancelled),
        "bookings_url": bookings_list_url(venue.pk, day),
        "settings_url": settings_url(venue.pk),
        "timezone": tz_name,
    }
    subject = f"Récapitulatif des réservations du {format_day(day)} : {venue.display_name}"
    return _build(KIND, subject, context, [venue.booking_email])
