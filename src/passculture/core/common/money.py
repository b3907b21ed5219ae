"""Money is integer cents inside the domain; euros with two decimals only at the edges."""

from decimal import ROUND_HALF_UP, Decimal, DecimalException

from .exceptions import InvalidAmount

Cents = int
# No amount typed in euros reaches this (10 million euros): past it, a number is a typo or an attack,
# and Decimal arithmetic on "1e999999" would fail instead of answering.
MAX_TYPED_EUROS = Decimal(10_000_000)


def euros_to_cents(value: Decimal | str | int | float) -> Cents:
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidAmount()
        return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except DecimalException:  # "1e999999": past what Decimal arithmetic can represent
        raise InvalidAmount() from None


def parse_euros(text: str) -> Cents:
    """An amount typed in euros, the French way ("7,50", "7,50 €") or not ("7.50"), at most two decimals."""
    raw = (text or "").replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    try:
        euros = Decimal(raw.replace(",", "."))
    except DecimalException:
        raise InvalidAmount() from None
    if not euros.is_finite() or euros.copy_abs() >= MAX_TYPED_EUROS:
        raise InvalidAmount()
    cents = euros_to_cents(euros)
    if Decimal(cents) != euros * 100:
        raise InvalidAmount("Saisissez un montant en euros avec au plus deux décimales.")
    return cents


def cents_to_euros(cents: Cents) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_euros(cents: Cents) -> str:
    """French display: 1 234,50 €"""
    euros = cents_to_euros(cents)
    whole, _, frac = f"{euros:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = "\u202f".join(groups) or "0"
    if frac == "00":
        return f"{sign}{text}\u00a0€"
    return f"{sign}{text},{frac}\u00a0€"
