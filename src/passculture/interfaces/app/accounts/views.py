"""Account pages of the beneficiaries' app: sign-up, email confirmation, login (throttled), logout,
password reset and change, the account page with the eligibility explained, and the deletion request.
Views parse, call one core service and render; the rules live in core.users."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import password_validation, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local
from passculture.core.credit.selectors import balance_of, latest_deposit
from passculture.core.users import accounts, services, throttling
from passculture.core.users.constants import ANONYMISATION_DELAY_DAYS, Role
from passculture.core.users.selectors import deletion_impact, eligibility, format_day, today
from passculture.core.users.validation import check_app_access, check_postal_code, cities_for_postal_code
from passculture.interfaces.app.access import beneficiary_required
from passculture.interfaces.errors import error_body, status_for
from passculture.interfaces.http import client_ip, safe_next_url, throttled_email_request, with_retry_after

from .forms import ChangePasswordForm, DeleteAccountForm, EmailForm, LoginForm, SetPasswordForm, SignupForm

SESSION_SIGNED_UP = "app_signup_done"
SESSION_DELETED = "app_account_deleted"
SESSION_RESET_TOKEN = "app_password_reset_token"  # noqa: S105 - a session key, not a secret
# Put in the URL in place of the token once it is in the session, so that it does not leak through
# the Referer header of the set-password page (the same trick as Django's own reset view).
RESET_URL_TOKEN = "nouveau-mot-de-passe"  # noqa: S105 - a URL segment, not a secret
BENEFICIARY_ROLES = accounts.BENEFICIARY_ROLES

# Where a domain error of the sign-up shows: next to its field, or above the form.
SIGNUP_ERROR_FIELDS = {
    "INVALID_EMAIL": "email",
    "EMAIL_ALREADY_USED": "email",
    "WEAK_PASSWORD": "password",
    "INVALID_NAME": "first_name",
    "INVALID_BIRTH_DATE": "birth_date",
    "TOO_YOUNG_TO_SIGN_UP": "birth_date",
    "INVALID_PHONE_NUMBER": "phone_number",
    "INVALID_POSTAL_CODE": "postal_code",
    "INVALID_CITY": "city",
    "CITY_NOT_MATCHING_POSTAL_CODE": "city",
    "TERMS_NOT_ACCEPTED": "accepted_terms",
}


# Django's help texts say "vous"; the app says "tu". Same rules, read from the configured validators.
_RULES_IN_TU = {
    "UserAttributeSimilarityValidator": "Il ne doit pas trop ressembler à tes autres informations (nom, email).",
    "CommonPasswordValidator": "Il ne doit pas être un mot de passe courant.",
    "NumericPasswordValidator": "Il ne doit pas être composé uniquement de chiffres.",
}


def password_rules() -> list[str]:
    rules = []
    for validator in password_validation.get_default_password_validators():
        name = type(validator).__name__
        if name == "MinimumLengthValidator":
            rules.append(f"Il doit contenir au minimum {validator.min_length} caractères.")
        else:
            rules.append(_RULES_IN_TU.get(name) or validator.get_help_text())
    return rules


def _client(request: HttpRequest) -> str:
    return client_ip(request, "unknown")


def _eligibility_context(user_birth_date, *, has_credit: bool) -> dict:
    state = eligibility(user_birth_date, today())
    return {
        "eligibility": state,
        "eligible_from_label": format_day(state.eligible_from) if state.eligible_from else "",
        "last_eligible_day_label": format_day(state.last_eligible_day) if state.last_eligible_day else "",
        # The next step toward the credit: only someone eligible without a credit has one to take.
        "identity_next": state.is_eligible and not has_credit,
    }


# --- Sign-up ---------------------------------------------------------------------------------------


def _render_signup(request: HttpRequest, form: SignupForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "password_rules": password_rules(),
    }
    return render(request, "app/accounts/signup.html", context, status=status)


@sensitive_post_parameters("password")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.role == Role.BENEFICIARY:
        return redirect("app:account")
    if request.method != "POST":
        return _render_signup(request, SignupForm())
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _render_signup(request, form, status=400)
    data = form.cleaned_data
    try:
        # Counted once the form is valid: typos cost nothing, each real attempt (a new account, or an
        # address already used, which the page reveals) does.
        throttling.hit((throttling.SIGNUP_PER_CLIENT, _client(request)))
        user = services.register_beneficiary(
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            phone_number=data["phone_number"],
            postal_code=data["postal_code"],
            city=data["city"],
            accepted_terms=data["accepted_terms"],
        )
    except DomainError as error:
        form.add_error(SIGNUP_ERROR_FIELDS.get(error.code), error.message)
        return with_retry_after(_render_signup(request, form, status=status_for(error)), error)
    request.session[SESSION_SIGNED_UP] = {
        "email": user.email,
        "first_name": user.first_name,
        "birth_date": user.birth_date.isoformat() if user.birth_date else "",
    }
    return redirect("app:signup_done")


@never_cache
def signup_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SESSION_SIGNED_UP)
    if not done:
        return redirect("app:signup")
    birth_date = dt.date.fromisoformat(done["birth_date"]) if done.get("birth_date") else None
    context = {"done": done, **_eligibility_context(birth_date, has_credit=False)}
    return render(request, "app/accounts/signup_done.html", context)


@require_GET
def signup_cities(request: HttpRequest) -> JsonResponse:
    """The towns of a postal code, for the sign-up form's suggestions (the offline gazetteer)."""
    raw = request.GET.get("code_postal", "")
    try:
        postal_code = check_postal_code(raw)
    except DomainError as error:
        return JsonResponse({**error_body(error), "cities": []}, status=status_for(error))
    return JsonResponse({"postalCode": postal_code, "cities": cities_for_postal_code(postal_code)})


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "app/accounts/terms.html")


# --- Email confirmation -----------------------------------------------------------------------------


@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = accounts.confirm_email_once(token)
    except DomainError as error:
        context = {"error": error, "form": EmailForm()}
        return render(request, "app/accounts/confirm_email.html", context, status=status_for(error))
    return render(request, "app/accounts/confirm_email.html", {"confirmed": user})


@never_cache
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    error = None
    if request.method == "POST" and form.is_valid():
        error = throttled_email_request(
            request, form, throttling.RESEND_CONFIRMATION_PER_CLIENT, throttling.RESEND_CONFIRMATION_PER_EMAIL
        )
        if error is None:
            accounts.resend_email_confirmation(form.cleaned_data["email"], roles=BENEFICIARY_ROLES)
            # The same answer whether or not the address has an unconfirmed account.
            return render(request, "app/accounts/email_sent.html", {"kind": "confirmation"})
    status = status_for(error) if error else (400 if form.is_bound else 200)
    response = render(request, "app/accounts/resend_confirmation.html", {"form": form}, status=status)
    return with_retry_after(response, error)


# --- Login / logout ---------------------------------------------------------------------------------


def _default_landing(user) -> str:
    # Without a credit yet, the account page says what to do next; with one, the films.
    return reverse("app:account") if latest_deposit(user) is None else reverse("app:home")


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next", ""))
    form = LoginForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            user = throttling.authenticate_throttled(
                form.cleaned_data["email"], form.cleaned_data["password"], client=_client(request)
            )
            check_app_access(user)
        except DomainError as exc:
            error = exc
        else:
            auth_login(request, user)  # rotates the session key: no session fixation
            return redirect(next_url or _default_landing(user))
    context = {
        "form": form,
        "error": error,
        "email_not_validated": error is not None and error.code == "EMAIL_NOT_VALIDATED",
        "not_a_beneficiary": error is not None and error.code == "NOT_A_BENEFICIARY",
        "next": next_url,
        "resend_form": EmailForm(initial={"email": form.data.get("email", "")}),
    }
    status = status_for(error) if error else (400 if form.is_bound and not form.is_valid() else 200)
    response = render(request, "app/accounts/login.html", context, status=status)
    return with_retry_after(response, error)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "Tu es déconnecté.")
    response = redirect("app:home")
    # The browser forgets what this person's pages left behind: HTTP cache, the offline copies kept by
    # the service worker (Cache Storage) and its registration. Cookies are left alone: the new
    # anonymous session carries the message above.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


# --- Password reset ----------------------------------------------------------------------------------


@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        # Counted whether or not the address has an account, so the refusal says nothing either.
        error = throttled_email_request(
            request, form, throttling.PASSWORD_RESET_PER_CLIENT, throttling.PASSWORD_RESET_PER_EMAIL
        )
        if error is None:
            accounts.request_password_reset(form.cleaned_data["email"], roles=BENEFICIARY_ROLES)
            return render(request, "app/accounts/email_sent.html", {"kind": "reset"})
    status = status_for(error) if error else (400 if form.is_bound else 200)
    response = render(request, "app/accounts/password_reset.html", {"form": form}, status=status)
    return with_retry_after(response, error)


@sensitive_post_parameters("password")
@never_cache
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != RESET_URL_TOKEN:
        request.session[SESSION_RESET_TOKEN] = token
        return redirect("app:password_reset_confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
    session_token = request.session.get(SESSION_RESET_TOKEN, "")
    try:
        user = accounts.user_for_password_reset(uidb64, session_token, roles=BENEFICIARY_ROLES)
    except DomainError as error:
        return render(
            request, "app/accounts/password_reset_confirm.html", {"error": error}, status=status_for(error)
        )
    form = SetPasswordForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts.reset_password(
                    uidb64, session_token, form.cleaned_data["password"], roles=BENEFICIARY_ROLES
                )
            except DomainError as error:
                form.add_error("password" if error.code == "WEAK_PASSWORD" else None, error.message)
                status = status_for(error)
            else:
                request.session.pop(SESSION_RESET_TOKEN, None)
                messages.success(request, "Ton mot de passe a été modifié : tu peux te connecter.")
                return redirect("app:login")
        else:
            status = 400
    context = {"form": form, "password_rules": password_rules()}
    return render(request, "app/accounts/password_reset_confirm.html", context, status=status)


# --- Account -----------------------------------------------------------------------------------------


def _credit_summary(user) -> dict | None:
    if latest_deposit(user) is None:
        return None
    balance = balance_of(user)
    return {
        "remaining_label": format_euros(balance.remaining_cents),
        "initial_label": format_euros(balance.initial_cents),
        "expires_label": format_local(balance.expires_at, settings.TIME_ZONE) if balance.expires_at else "",
        "is_expired": balance.is_expired,
    }


def _phone_label(phone: str) -> str:
    """+33612345678 -> 06 12 34 56 78 (mainland and overseas numbers share the national format)."""
    if phone.startswith("+") and phone[1:].isdigit() and len(phone) >= 12:
        national = "0" + phone[-9:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return phone


@beneficiary_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    credit = _credit_summary(user)
    context = {
        "user": user,
        "credit": credit,
        "birth_date_label": format_day(user.birth_date) if user.birth_date else "",
        "phone_label": _phone_label(user.phone_number),
        **_eligibility_context(user.birth_date, has_credit=credit is not None),
    }
    return render(request, "app/accounts/account.html", context)


@beneficiary_required
@sensitive_post_parameters("current_password", "password")
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.POST or None, user=request.user)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                throttling.hit((throttling.PASSWORD_CHECK_PER_USER, request.user.pk))
                user = services.change_password(
                    request.user, form.cleaned_data["current_password"], form.cleaned_data["password"]
                )
            except DomainError as exc:
                error = exc
                field = {"INCORRECT_PASSWORD": "current_password", "WEAK_PASSWORD": "password"}.get(exc.code)
                form.add_error(field, exc.message)
                status = status_for(exc)
            else:
                update_session_auth_hash(request, user)  # this session stays; the others end
                messages.success(request, "Ton mot de passe a été modifié.")
                return redirect("app:account")
        else:
            status = 400
    context = {"form": form, "password_rules": password_rules()}
    response = render(request, "app/accounts/password_change.html", context, status=status)
    return with_retry_after(response, error)


@beneficiary_required
@sensitive_post_parameters("password")
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                throttling.hit((throttling.PASSWORD_CHECK_PER_USER, request.user.pk))
                deletion = services.request_account_deletion(request.user, form.cleaned_data["password"])
            except DomainError as exc:
                error = exc
                form.add_error("password" if exc.code == "INCORRECT_PASSWORD" else None, exc.message)
                status = status_for(exc)
            else:
                email = request.user.email
                auth_logout(request)
                request.session[SESSION_DELETED] = {
                    "email": email,
                    "cancelled": deletion.cancelled_bookings,
                    "kept": deletion.kept_bookings,
                    "anonymisation_day": format_day(today(services.anonymisation_due(deletion))),
                }
                return redirect("app:account_deleted")
        else:
            status = 400
    balance = balance_of(request.user)
    context = {
        "form": form,
        "impact": deletion_impact(request.user),
        "balance": balance,
        "remaining_label": format_euros(balance.remaining_cents),
        "delay_days": ANONYMISATION_DELAY_DAYS,
    }
    response = render(request, "app/accounts/account_delete.html", context, status=status)
    return with_retry_after(response, error)


@never_cache
def account_deleted(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SESSION_DELETED)
    if not done:
        return redirect("app:home")
    return render(request, "app/accounts/account_deleted.html", {"done": done})
