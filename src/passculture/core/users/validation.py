"""Checks on account fields; each `check_*` returns the normalised value or raises a DomainError."""

import datetime as dt
import re

from passculture.core.common.text import has_forbidden_characters
from passculture.core.geo.gazetteer import get_gazetteer, normalise

from .constants import MIN_BIRTH_YEAR, MIN_SIGNUP_AGE
from .exceptions import (
    CityNotMatchingPostalCode,
    InvalidBirthDate,
    InvalidCity,
    InvalidName,
    InvalidPhoneNumber,
    InvalidPostalCode,
    TooYoungToSignUp,
)
from .selectors import birthday, format_day

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


def check_backoffice_access(user) -> None:
    """The back office is for active staff (`is_staff`). Any other account is refused like a wrong
    password, as Django's admin does: its login page tells nothing about accounts."""
    from .exceptions import InvalidCredentials

    if not (user.is_active and user.is_staff):
        raise InvalidCredentials()


NOT_A_BENEFICIARY_LOGIN = (
    "Ce compte n'est pas un compte de jeune bénéficiaire : connectez-vous sur l'espace professionnel."
)


def check_app_access(user) -> None:
    """The beneficiaries' app signs in young people only; professionals and staff have the portal."""
    from .constants import Role
    from .exceptions import NotABeneficiary

    if user.role != Role.BENEFICIARY:
        raise NotABeneficiary(NOT_A_BENEFICIARY_LOGIN)


# Letters of any alphabet, in words joined by a space, a hyphen or an apostrophe; a final dot for
# abbreviations. Digits and symbols are typos or injection attempts, never part of a civil name.
_NAME = re.compile(r"^[^\W\d_]+(?:[ \-'’.]+[^\W\d_]+)*\.?$")
NAME_MAX_LENGTH = 128
CITY_MAX_LENGTH = 100
_POSTAL_CODE = re.compile(r"^[0-9]{5}$")
MAX_CITY_SUGGESTIONS = 6


def check_name(value: str) -> str:
    """A first or last name as typed, with runs of spaces collapsed."""
    name = " ".join((value or "").split())
    if not name or len(name) > NAME_MAX_LENGTH or not _NAME.match(name):
        raise InvalidName()
    return name


def check_birth_date(birth_date: dt.date | None, today: dt.date) -> dt.date:
    """A real birth date (not in the future, not before 1900) of someone aged 15 or more."""
    if not isinstance(birth_date, dt.date) or isinstance(birth_date, dt.datetime):
        raise InvalidBirthDate("Indiquez votre date de naissance.")
    if birth_date > today:
        raise InvalidBirthDate("La date de naissance ne peut pas être dans le futur.")
    if birth_date.year < MIN_BIRTH_YEAR:
        raise InvalidBirthDate("La date de naissance est invalide : vérifie l'année.")
    if birthday(birth_date, MIN_SIGNUP_AGE) > today:
        raise TooYoungToSignUp(
            f"Il faut avoir au moins {MIN_SIGNUP_AGE} ans pour créer un compte pass Culture : tu pourras "
            f"le créer à partir du {format_day(birthday(birth_date, MIN_SIGNUP_AGE))}."
        )
    return birth_date


def check_postal_code(value: str) -> str:
    """5 digits, mainland, Corsica (20xxx) and overseas (97xxx, 98xxx) alike."""
    code = (value or "").replace(" ", "").strip()
    if not _POSTAL_CODE.match(code) or code.startswith("00") or code.startswith("99"):
        raise InvalidPostalCode()
    return code


def cities_for_postal_code(postal_code: str) -> list[str]:
    """The town names the offline gazetteer knows for a postal code (Paris, not Paris 11e Arrondissement)."""
    names: list[str] = []
    for commune in get_gazetteer().by_postal_code(postal_code):
        if commune.city_name not in names:
            names.append(commune.city_name)
    return names


def check_city(postal_code: str, city: str) -> str:
    """The city must be one of the postal code's towns when the gazetteer knows the code; it comes back
    spelt as the gazetteer spells it. An unknown code (a new one, a CEDEX) accepts any typed name."""
    typed = " ".join((city or "").split())
    if not typed or len(typed) > CITY_MAX_LENGTH or not normalise(typed) or has_forbidden_characters(typed):
        raise InvalidCity()
    known = cities_for_postal_code(postal_code)
    if not known:
        return typed
    commune = get_gazetteer().find(postal_code, typed)
    if commune is None:
        shown = ", ".join(known[:MAX_CITY_SUGGESTIONS]) + (
            " ..." if len(known) > MAX_CITY_SUGGESTIONS else ""
        )
        raise CityNotMatchingPostalCode(
            f"La ville « {typed} » ne correspond pas au code postal {postal_code} : "
            f"{'choisissez parmi' if len(known) > 1 else 'indiquez'} {shown}."
        )
    return commune.city_name
