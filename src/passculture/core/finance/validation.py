"""Bank details checks: IBAN checksum, BIC format, BIC consistent with the IBAN's country.

schwifty does the checks and the BIC lookup from its bundled bank registry (no network).
"""

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from passculture.core.common.exceptions import InvalidInput

from .constants import FRENCH_TERRITORIES_BIC_COUNTRIES, HOLDER_MAX_LENGTH
from .exceptions import (
    BicIbanMismatch,
    HolderRequired,
    IbanOutsideSepa,
    IbanRequired,
    InvalidBic,
    InvalidIban,
)

# Shown in clear at each end of a masked IBAN: the country and check digits, and the last 3 characters,
# enough for a pro to recognise their account, not enough to use it.
MASK_KEEP_START = 4
MASK_KEEP_END = 3


def compact(value: str) -> str:
    return "".join((value or "").split()).upper()


def format_iban(iban: str) -> str:
    value = compact(iban)
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def mask_iban(iban: str) -> str:
    """FR7630006000011234567890189 -> FR76 **** **** **** **** **** 189."""
    value = compact(iban)
    if not value:
        return ""
    end = max(len(value) - MASK_KEEP_END, MASK_KEEP_START)
    masked = value[:MASK_KEEP_START] + "*" * (end - MASK_KEEP_START) + value[end:]
    return format_iban(masked)


def check_iban(value: str) -> IBAN:
    value = compact(value)
    if not value:
        raise IbanRequired()
    try:
        iban = IBAN(value)
    except (SchwiftyException, ValueError) as error:
        raise InvalidIban() from error
    if not iban.in_sepa_zone:
        raise IbanOutsideSepa()
    return iban


def check_bic(value: str, *, iban: IBAN) -> str:
    """The compact BIC, or "" when none is given."""
    value = compact(value)
    if not value:
        return ""
    try:
        bic = BIC(value)
    except (SchwiftyException, ValueError) as error:
        raise InvalidBic() from error
    if not bic_matches_iban_country(bic.country_code, iban.country_code):
        raise BicIbanMismatch(
            f"BIC incohérent avec l'IBAN : ce BIC est celui d'une banque de {bic.country_code}, "
            f"l'IBAN est un compte de {iban.country_code}."
        )
    return _short_bic(str(bic.compact))


def _short_bic(bic: str) -> str:
    """AGRIFRPPXXX and AGRIFRPP are the same bank office: one spelling, so a change is a real change."""
    return bic[:8] if len(bic) == 11 and bic.endswith("XXX") else bic


def bic_matches_iban_country(bic_country: str, iban_country: str) -> bool:
    if bic_country == iban_country:
        return True
    return iban_country == "FR" and bic_country in FRENCH_TERRITORIES_BIC_COUNTRIES


def infer_bic(iban: IBAN) -> str:
    """The BIC of the IBAN's bank from schwifty's bundled registry, or "" when it does not know it."""
    try:
        bic = iban.bic
    except (SchwiftyException, ValueError):
        return ""
    return _short_bic(str(bic.compact)) if bic is not None else ""


def bank_name(iban_value: str) -> str:
    try:
        return IBAN(compact(iban_value)).bank_name or ""
    except (SchwiftyException, ValueError):
        return ""


def check_holder(value: str) -> str:
    holder = " ".join((value or "").split())
    if not holder or len(holder) > HOLDER_MAX_LENGTH:
        raise HolderRequired()
    return holder


def describe_iban(value: str) -> dict:
    """For the form's live hint: whether the IBAN is valid, and its bank's BIC and name if known."""
    try:
        iban = check_iban(value)
    except InvalidInput as error:
        return {"valid": False, "error": error.message, "bic": "", "bank_name": ""}
    return {"valid": True, "error": "", "bic": infer_bic(iban), "bank_name": bank_name(iban.compact)}
