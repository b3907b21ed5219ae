"""Checks on account fields; each `check_*` returns the normalised value or raises a DomainError."""

import re

from .exceptions import InvalidPhoneNumber

# Overseas departments share the French national numbering plan (0 + 9 digits) but have their own
# country codes in E.164: the first digits of the national number tell which.
OVERSEAS_PREFIXES = {
    "0590": "590",
    "0690": "590",
    "0691": "590",  # Guadeloupe, Saint-Barthélemy, Saint-Martin
    "0594": "594",
    "0694": "594",  # Guyane
    "0596": "596",
    "0696": "596",
    "0697": "596",  # Martinique
    "0262": "262",
    "0263": "262",
    "0692": "262",
    "0693": "262",  # La Réunion
    "0269": "262",
    "0639": "262",  # Mayotte
}
FRENCH_COUNTRY_CODES = ("33", *sorted(set(OVERSEAS_PREFIXES.values())))
_NATIONAL = re.compile(r"^0[1-9][0-9]{8}$")
_INTERNATIONAL = re.compile(r"^\+(" + "|".join(FRENCH_COUNTRY_CODES) + r")([1-9][0-9]{8})$")
_SEPARATORS = re.compile(r"[\s.\-/()]")


def check_phone_number(value: str) -> str:
    """A French (mainland or overseas) phone number, returned in E.164 (+33612345678)."""
    compact = (value or "").strip().replace("(0)", "")
    compact = _SEPARATORS.sub("", compact)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _NATIONAL.match(compact):
        country = OVERSEAS_PREFIXES.get(compact[:4], "33")
        return f"+{country}{compact[1:]}"
    if _INTERNATIONAL.match(compact):
        return compact
    raise InvalidPhoneNumber()


def check_portal_access(user) -> None:
    """The pro portal is for professionals and staff; beneficiaries have their own app."""
    from .constants import Role
    from .exceptions import NotAProfessional

    if user.role not in (Role.PRO, Role.STAFF):
        raise NotAProfessional()
