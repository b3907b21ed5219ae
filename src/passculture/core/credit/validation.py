"""Checks on spending a deposit: shared by the debit (under the deposit's row lock) and by the pages that
tell the beneficiary beforehand whether a booking would be refused."""

from .exceptions import DigitalCapReached, InsufficientCredit
from .models import Deposit


def check_can_spend(deposit: Deposit, amount_cents: int, *, is_digital: bool) -> None:
    if deposit.spent_cents + amount_cents > deposit.amount_cents:
        raise InsufficientCredit()
    if (
        is_digital
        and deposit.digital_cap_cents is not None
        and deposit.digital_spent_cents + amount_cents > deposit.digital_cap_cents
    ):
        raise DigitalCapReached()
