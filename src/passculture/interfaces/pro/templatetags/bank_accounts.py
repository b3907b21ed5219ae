"""`{% current_bank_account venue as account %}` for pages that include the bank details summary."""

from django import template

from passculture.core.finance.selectors import current_bank_account as select_current_bank_account

register = template.Library()


@register.simple_tag
def current_bank_account(venue):
    return select_current_bank_account(venue) if venue is not None else None
