"""Forms of the beneficiaries' account pages: they parse and run the same core checks as the services,
so every field's error shows next to it at once; the services check everything again."""

from django import forms
from django.contrib.auth import password_validation

from passculture.core.common.exceptions import DomainError
from passculture.core.users import validation
from passculture.core.users.models import User
from passculture.core.users.selectors import today


def _domain_check(check, *args):
    try:
        return check(*args)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from error


def _check_password(form: forms.Form, field: str, user: User) -> None:
    password = form.cleaned_data.get(field)
    if not password:
        return
    try:
        password_validation.validate_password(password, user=user)
    except forms.ValidationError as error:
        form.add_error(field, error)


class SignupForm(forms.Form):
    email = forms.EmailField(label="Adresse email", max_length=254)
    password = forms.CharField(label="Mot de passe", strip=False, widget=forms.PasswordInput)
    first_name = forms.CharField(label="Prénom", max_length=128)
    last_name = forms.CharField(label="Nom", max_length=128)
    birth_date = forms.DateField(
        label="Date de naissance",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Indique une date valide, par exemple 15/05/2008."},
    )
    phone_number = forms.CharField(
        label="Téléphone portable", help_text="Par exemple 06 12 34 56 78.", max_length=30
    )
    postal_code = forms.CharField(label="Code postal", help_text="5 chiffres.", max_length=10)
    city = forms.CharField(label="Ville", max_length=100)
    accepted_terms = forms.BooleanField(
        label="J'accepte les conditions générales d'utilisation du pass Culture",
        error_messages={"required": "Tu dois accepter les conditions générales d'utilisation."},
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_first_name(self) -> str:
        return _domain_check(validation.check_name, self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _domain_check(validation.check_name, self.cleaned_data["last_name"])

    def clean_birth_date(self):
        return _domain_check(validation.check_birth_date, self.cleaned_data["birth_date"], today())

    def clean_phone_number(self) -> str:
        return _domain_check(validation.check_phone_number, self.cleaned_data["phone_number"])

    def clean_postal_code(self) -> str:
        return _domain_check(validation.check_postal_code, self.cleaned_data["postal_code"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("postal_code") and cleaned.get("city"):
            try:
                cleaned["city"] = validation.check_city(cleaned["postal_code"], cleaned["city"])
            except DomainError as error:
                self.add_error("city", error.message)
        candidate = User(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        _check_password(self, "password", candidate)
        return cleaned


class LoginForm(forms.Form):
    email = forms.EmailField(label="Adresse email", max_length=254)
    password = forms.CharField(label="Mot de passe", strip=False, widget=forms.PasswordInput)


class EmailForm(forms.Form):
    email = forms.EmailField(label="Adresse email", max_length=254)


class SetPasswordForm(forms.Form):
    password = forms.CharField(label="Nouveau mot de passe", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        _check_password(self, "password", self.user)
        return cleaned


class ChangePasswordForm(SetPasswordForm):
    current_password = forms.CharField(label="Mot de passe actuel", strip=False, widget=forms.PasswordInput)
    field_order = ["current_password", "password"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Ton mot de passe, pour confirmer", strip=False, widget=forms.PasswordInput
    )
