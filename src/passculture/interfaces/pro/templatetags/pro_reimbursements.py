from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def rate_percent(rate) -> str:
    """Decimal("0.925") -> "92,5 %" (French display of a reimbursement rate, without rounding it)."""
    if rate is None or rate == "":
        return ""
    percent = (Decimal(rate) * 100).normalize()
    text = f"{percent:f}".replace(".", ",")
    return f"{text}\u00a0%"
