"""Checks on identity details; each `check_*` returns the normalised value or raises a DomainError."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .constants import DocumentType
from .exceptions import (
    InvalidDocumentNumber,
    InvalidDocumentType,
    InvalidIdentityBirthDate,
    InvalidIdentityName,
)

NAME_MAX_LENGTH = 128
# Letters of any alphabet, joined by single spaces, hyphens or apostrophes ("Jean-Éric", "N'Diaye").
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-’][^\W\d_]+)*$")
# French identity cards have 12 (before 2021) or 9 characters, French passports 9, residence permits 10;
# EU cards and foreign passports vary: the format is checked loosely and staff compare with the photo.
_DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{6,20}$")
_SEPARATORS = re.compile(r"[\s\-./]")
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class IdentityData:
    """What a beneficiary declares, as written on the document."""

    document_type: str
    document_number: str
    first_name: str
    last_name: str
    birth_date: dt.date


def check_document_type(value: str) -> str:
    value = (value or "").strip().upper()
    if value not in DocumentType.values:
        raise InvalidDocumentType()
    return value


def check_document_number(value: str) -> str:
    compact = _SEPARATORS.sub("", (value or "").strip().upper())
    if not _DOCUMENT_NUMBER.match(compact):
        raise InvalidDocumentNumber()
    return compact


def check_name(value: str, *, label: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > NAME_MAX_LENGTH or not _NAME.match(name):
        raise InvalidIdentityName(f"{label} invalide : recopiez-le tel qu'il figure sur le document.")
    return name


def check_birth_date(value: dt.date | None, today: dt.date) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidIdentityBirthDate("Indiquez la date de naissance inscrite sur le document.")
    if value > today or value < OLDEST_BIRTH_DATE:
        raise InvalidIdentityBirthDate()
    return value


def check_identity_data(data: IdentityData, today: dt.date) -> IdentityData:
    return IdentityData(
        document_type=check_document_type(data.document_type),
        document_number=check_document_number(data.document_number),
        first_name=check_name(data.first_name, label="Prénom"),
        last_name=check_name(data.last_name, label="Nom"),
        birth_date=check_birth_date(data.birth_date, today),
    )


def normalise_name(value: str) -> str:
    """For comparisons only: no accents, no case, hyphens and apostrophes as spaces."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[\-'’]", " ", plain).split())


def first_names_match(account: str, document: str) -> bool:
    """A document lists every given name ("Jeanne Marie Louise"); the account usually holds the first."""
    typed, listed = normalise_name(account).split(), normalise_name(document).split()
    return bool(typed) and typed == listed[: len(typed)]


def last_names_match(account: str, document: str) -> bool:
    return bool(normalise_name(account)) and normalise_name(account) == normalise_name(document)
