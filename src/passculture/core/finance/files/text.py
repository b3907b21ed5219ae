"""Text helpers shared by the files: the SEPA character set, masked IBANs, rates for people."""

import re
from decimal import Decimal

from text_unidecode import unidecode

# The EPC's basic Latin character set, the only one every SEPA bank must accept in names and labels.
_SEPA_ALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# Usual characters with a readable SEPA equivalent (the rest becomes a space).
_SEPA_REPLACEMENTS = str.maketrans({"&": "+", "_": "-", '"': "'", "`": "'", "@": " ", "\n": " ", "\t": " "})
# Dashes become one hyphen (unidecode would write "--" for an em dash).
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})
_SPACES = re.compile(r" {2,}")


def sepa_text(value: str, max_length: int) -> str:
    """Transliterated to the SEPA character set, never rejected: `Cinéma L'Éden & Cie` ->
    `Cinema L'Eden + Cie`. Cut at `max_length` (70 for names, 140 for a label, 35 for an id)."""
    text = unidecode(value.translate(_DASHES)).translate(_SEPA_REPLACEMENTS)
    text = _SEPA_ALLOWED.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:max_length].rstrip()


def compact_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def format_iban(iban: str) -> str:
    """`FR7630006000011234567890189` -> `FR76 3000 6000 0112 3456 7890 189`"""
    compact = compact_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(iban: str) -> str:
    """Only the country, check digits and last 4 characters show: `FR76 **** ... **90 189`, enough for
    a cinema to recognise its account on a printed statement without exposing it whole."""
    compact = compact_iban(iban)
    if len(compact) <= 8:
        return format_iban(compact)
    masked = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return format_iban(masked)


def format_rate(rate: Decimal | None) -> str:
    """Decimal("0.95") -> `95 %`, Decimal("0.925") -> `92,5 %`; None (fixed amount) -> empty."""
    if rate is None:
        return ""
    percent = (Decimal(rate) * 100).normalize()
    text = f"{percent:f}".replace(".", ",")
    return f"{text} %"
