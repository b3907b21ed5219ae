"""Forms of the pro portal's account pages (parsing only; the rules run in core services)."""

from django import forms
from django.contrib.auth import password_validation

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.validation import check_siren
from passculture.core.users.models import User
from passculture.core.users.validation import check_phone_number

PASSWORD_MISMATCH = "Les deux mots de passe ne correspondent pas."  # noqa: S105 - a message


def _domain_check(check, value: str) -> str:
    try:
        return check(value)
    except DomainError as error:
        raise forms.ValidationError(error.message, code=error.code) from error


class LoginForm(forms.Form):
    username = forms.EmailField(label="Adresse email", max_length=254)
    password = forms.CharField(label="Mot de passe", strip=False, widget=forms.PasswordInput)


class SirenForm(forms.Form):
    siren = forms.CharField(
        label="SIREN de votre structure",
        help_text="9 chiffres, sur l'avis de situation INSEE ou un extrait Kbis.",
        max_length=20,
    )

    def clean_siren(self) -> str:
        return _domain_check(check_siren, self.cleaned_data["siren"])


class SignupForm(SirenForm):
    email = forms.EmailField(label="Adresse email", max_length=254)
    password1 = forms.CharField(label="Mot de passe", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirmez le mot de passe", strip=False, widget=forms.PasswordInput)
    first_name = forms.CharField(label="Prénom", max_length=128)
    last_name = forms.CharField(label="Nom", max_length=128)
    phone_number = forms.CharField(
        label="Téléphone", help_text="Un numéro français, par exemple 06 12 34 56 78.", max_length=30
    )
    # Typed by the pro only when the company registry could not answer.
    company_name = forms.CharField(label="Raison sociale", max_length=140, required=False)
    company_address = forms.CharField(label="Adresse du siège", max_length=200, required=False)
    company_postal_code = forms.CharField(label="Code postal", max_length=5, required=False)
    company_city = forms.CharField(label="Ville", max_length=100, required=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone_number(self) -> str:
        return _domain_check(check_phone_number, self.cleaned_data["phone_number"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORD_MISMATCH)
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(label="Adresse email", max_length=254)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label="Nouveau mot de passe", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirmez le mot de passe", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORD_MISMATCH)
        elif password1:
            try:
                password_validation.validate_password(password1, user=self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
