"""Display helpers for the pro bookings pages: `{% load pro_bookings %}`."""

from django import template

from passculture.core.bookings import rules
from passculture.core.bookings.constants import BookingStatus
from passculture.core.common.money import format_euros

register = template.Library()

_BADGES = {
    BookingStatus.CONFIRMED: "fr-badge--info",
    BookingStatus.USED: "fr-badge--success",
    BookingStatus.CANCELLED: "fr-badge--error",
    BookingStatus.REIMBURSED: "fr-badge--new",
}


@register.filter
def euros(cents):
    """1234 -> "12,34 €" (French display of integer cents)."""
    if cents is None or cents == "":
        return ""
    return format_euros(int(cents))


@register.filter
def status_badge_class(status) -> str:
    return _BADGES.get(status, "")


@register.filter
def offerer_may_cancel(status) -> bool:
    return rules.offerer_may_cancel(status)
