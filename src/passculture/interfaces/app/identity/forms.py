"""The identity form: it runs the same core checks as the service, so each error shows next to its field;
the service checks everything again."""

from django import forms

from passculture.core.common.exceptions import DomainError
from passculture.core.identity import validation
from passculture.core.identity.constants import DocumentType
from passculture.core.identity.documents import ACCEPTED_CONTENT_TYPES, prepare_document_photo
from passculture.core.identity.validation import IdentityData

# Where a service refusal is shown: next to the field it is about, else above the form.
FIELD_OF_CODE = {
    "INVALID_DOCUMENT_TYPE": "document_type",
    "INVALID_DOCUMENT_NUMBER": "document_number",
    "INVALID_BIRTH_DATE": "birth_date",
    "NOT_YET_ELIGIBLE": "birth_date",
    "NO_LONGER_ELIGIBLE": "birth_date",
    "DOCUMENT_PHOTO_REQUIRED": "photo",
}


def field_of(error: DomainError) -> str | None:
    if error.code.startswith("DOCUMENT_PHOTO_"):
        return "photo"
    return FIELD_OF_CODE.get(error.code)


def _domain_check(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code.lower()) from error


class IdentityForm(forms.Form):
    document_type = forms.ChoiceField(
        label="Type de document", choices=DocumentType.choices, widget=forms.RadioSelect
    )
    document_number = forms.CharField(
        label="Numéro du document",
        max_length=40,
        help_text="Tel qu'il figure sur le document (6 à 20 lettres ou chiffres).",
    )
    last_name = forms.CharField(
        label="Nom", max_length=128, help_text="Nom de naissance, comme sur le document."
    )
    first_name = forms.CharField(
        label="Prénom(s)", max_length=128, help_text="Tous les prénoms, dans l'ordre du document."
    )
    birth_date = forms.DateField(label="Date de naissance")
    photo = forms.FileField(
        label="Photo du document",
        help_text="JPEG ou PNG, 10 Mo au maximum. Le document entier, à plat, lisible et sans reflet.",
        error_messages={"required": "Ajoute une photo du document."},
    )
    accepted_content_types = ACCEPTED_CONTENT_TYPES

    def clean_document_number(self) -> str:
        return _domain_check(validation.check_document_number, self.cleaned_data["document_number"])

    def clean_last_name(self) -> str:
        return _domain_check(validation.check_name, self.cleaned_data["last_name"], label="Nom")

    def clean_first_name(self) -> str:
        return _domain_check(validation.check_name, self.cleaned_data["first_name"], label="Prénom")

    def clean_photo(self):
        return _domain_check(prepare_document_photo, self.cleaned_data["photo"])

    def identity_data(self) -> IdentityData:
        data = self.cleaned_data
        return IdentityData(
            document_type=data["document_type"],
            document_number=data["document_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
        )
