from decimal import Decimal

from django import template

from passculture.core.finance.constants import TransferState

register = template.Library()


@register.filter
def rate_percent(rate) -> str:
    """Decimal("0.925") -> "92,5 %" (French display of a reimbursement rate, without rounding it)."""
    if rate is None or rate == "":
        return ""
    percent = (Decimal(rate) * 100).normalize()
    text = f"{percent:f}".replace(".", ",")
    return f"{text}\u00a0%"


# One colour per state of constants.TransferState, on every reimbursement page.
_STATE_BADGES = {
    TransferState.WAITING: "",
    TransferState.BLOCKED: "fr-badge--warning",
    TransferState.TO_COME: "fr-badge--info",
    TransferState.SENDING: "fr-badge--new",
    TransferState.SENT: "fr-badge--success",
}


@register.inclusion_tag("pro/reimbursements/_state.html")
def transfer_state(state):
    """The state's badge: the same word and colour in every part of the pages (and their legend)."""
    return {"label": TransferState(state).label, "badge": _STATE_BADGES[state]}
