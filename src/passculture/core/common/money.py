"""Money is integer cents inside the domain; euros with two decimals only at the edges."""

from decimal import ROUND_HALF_UP, Decimal

Cents = int


def euros_to_cents(value: Decimal | str | int | float) -> Cents:
    amount = Decimal(str(value)) * 100
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
