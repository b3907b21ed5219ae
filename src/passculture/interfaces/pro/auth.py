"""Account pages of the pro portal: sign-up with a SIREN, email confirmation, login (rate-limited),
logout, password reset. Views parse, call one core service and render; the rules live in core."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import password_validation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.pro_signup import ManualCompany, SirenPreview, preview_siren, register_pro
from passculture.core.users import accounts, throttling
from passculture.core.users.validation import check_portal_access
from passculture.interfaces.errors import status_for
from passculture.interfaces.http import client_ip, safe_next_url, throttled_email_request, with_retry_after

from .auth_forms import EmailForm, LoginForm, SetPasswordForm, SignupForm, SirenForm

SESSION_PREVIEW = "pro_signup_preview"
SESSION_SIGNED_UP = "pro_signup_done"
SESSION_RESET_TOKEN = "pro_password_reset_token"  # noqa: S105 - a session key, not a secret
# Put in the URL in place of the token once it is in the session, so that it does not leak through
# the Referer header of the set-password page (the same trick as Django's own reset view).
RESET_URL_TOKEN = "nouveau-mot-de-passe"  # noqa: S105 - a URL segment, not a secret

# Each SIREN lookup asks the company registry: counted per address, so nobody uses us to hammer it.
# (The limits of the requests that send an email are in core.users.throttling.)
SIGNUP_LOOKUP_PER_CLIENT = throttling.RateLimit(
    "pro-signup-lookup:client", 30, 10 * 60, "Trop de recherches de SIREN : réessayez dans {wait}."
)

# Where a domain error of the sign-up shows: next to its field, or above the form.
SIGNUP_ERROR_FIELDS = {
    "INVALID_EMAIL": "email",
    "EMAIL_ALREADY_USED": "email",
    "WEAK_PASSWORD": "password1",
    "INVALID_PHONE_NUMBER": "phone_number",
    "INVALID_SIREN": "siren",
    "COMPANY_NOT_FOUND": "siren",
    "COMPANY_CLOSED": "siren",
    "SIREN_ALREADY_REGISTERED": "siren",
    "INVALID_POSTAL_CODE": "company_postal_code",
}


# --- Login / logout --------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            user = throttling.authenticate_throttled(
                form.cleaned_data["username"],
                form.cleaned_data["password"],
                client=client_ip(request, "unknown"),
            )
            check_portal_access(user)
        except DomainError as exc:
            error = exc
        else:
            auth_login(request, user)  # rotates the session key: no session fixation
            return redirect(safe_next_url(request, next_url, reverse("pro:dashboard")))
    context = {
        "title": "Se connecter",
        "form": form,
        "error": error,
        "email_not_validated": error is not None and error.code == "EMAIL_NOT_VALIDATED",
        "next": next_url if url_has_allowed_host_and_scheme(next_url, {request.get_host()}) else "",
    }
    response = render(request, "pro/login.html", context, status=status_for(error) if error else 200)
    return with_retry_after(response, error)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("pro:login")


# --- Sign-up -------------------------------------------------------------------------------------


def _preview_for_session(preview: SirenPreview) -> dict:
    return {
        "siren": preview.siren,
        "existing_name": preview.existing_offerer.name if preview.existing_offerer else "",
        "company": preview.company.as_json() if preview.company else None,
        "unreachable": preview.registry_unreachable,
    }


def _render_signup(request, form, *, status: int = 200, alert: str = "") -> HttpResponse:
    preview = request.session.get(SESSION_PREVIEW)
    siren = (form["siren"].value() or "").replace(" ", "") if form.is_bound else ""
    if preview and preview["siren"] != siren:
        preview = None
    context = {
        "title": "Créer un compte",
        "form": form,
        "preview": preview,
        "password_rules": password_validation.password_validators_help_texts(),
        "alert": alert,
    }
    return render(request, "pro/auth/signup.html", context, status=status)


def _only_siren_errors(form: SignupForm) -> None:
    form.is_valid()
    for name in [name for name in form.errors if name != "siren"]:
        del form.errors[name]


def _lookup_form(request) -> tuple[SignupForm, int]:
    """Asks the registry about the SIREN; the form comes back with the SIREN's errors only."""
    siren_form = SirenForm(request.POST)
    request.session.pop(SESSION_PREVIEW, None)
    form = SignupForm(request.POST)
    if not siren_form.is_valid():
        _only_siren_errors(form)
        return form, 400
    try:
        throttling.hit((SIGNUP_LOOKUP_PER_CLIENT, client_ip(request, "unknown")))
        preview = preview_siren(siren_form.cleaned_data["siren"])
    except DomainError as error:
        _only_siren_errors(form)
        form.add_error("siren", error.message)
        return form, status_for(error)
    request.session[SESSION_PREVIEW] = _preview_for_session(preview)
    data = request.POST.copy()
    data["siren"] = preview.siren
    form = SignupForm(data)
    _only_siren_errors(form)
    return form, 200


def _lookup(request) -> HttpResponse:
    form, status = _lookup_form(request)
    return _render_signup(request, form, status=status)


def _submit(request) -> HttpResponse:
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _render_signup(request, form, status=400)
    data = form.cleaned_data
    preview = request.session.get(SESSION_PREVIEW)
    if not preview or preview["siren"] != data["siren"]:
        # The pro has not seen the registry's answer for this SIREN yet: show it first.
        form, status = _lookup_form(request)
        alert = (
            "Vérifiez les informations de votre structure, puis ressaisissez votre mot de passe pour créer "
            "votre compte."
            if status == 200
            else ""
        )
        return _render_signup(request, form, status=status, alert=alert)
    manual = ManualCompany(
        name=data["company_name"],
        address=data["company_address"],
        postal_code=data["company_postal_code"],
        city=data["company_city"],
    )
    try:
        result = register_pro(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone_number=data["phone_number"],
            siren=data["siren"],
            manual=manual,
        )
    except DomainError as error:
        if error.code == "COMPANY_DETAILS_REQUIRED":
            # The registry answered the preview but not the sign-up: let the pro type the details.
            request.session[SESSION_PREVIEW] = {**preview, "company": None, "unreachable": True}
        form.add_error(SIGNUP_ERROR_FIELDS.get(error.code), error.message)
        return _render_signup(request, form, status=status_for(error))
    request.session.pop(SESSION_PREVIEW, None)
    request.session[SESSION_SIGNED_UP] = {
        "email": result.user.email,
        "offerer_name": result.offerer.name,
        "joined_existing": result.joined_existing,
    }
    return redirect("pro:signup-done")


@sensitive_post_parameters("password1", "password2")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("pro:dashboard")
    if request.method != "POST":
        request.session.pop(SESSION_PREVIEW, None)
        return _render_signup(request, SignupForm())
    if request.POST.get("action") == "lookup":
        return _lookup(request)
    return _submit(request)


def signup_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(SESSION_SIGNED_UP)
    if not done:
        return redirect("pro:signup")
    return render(request, "pro/auth/signup_done.html", {"title": "Compte créé", "done": done})


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = accounts.confirm_email(token)
    except DomainError as error:
        context = {"title": "Lien invalide", "error": error, "form": EmailForm()}
        return render(request, "pro/auth/confirm_email.html", context, status=status_for(error))
    return render(request, "pro/auth/confirm_email.html", {"title": "Adresse confirmée", "confirmed": user})


@never_cache
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        error = throttled_email_request(
            request,
            form,
            throttling.PRO_RESEND_CONFIRMATION_PER_CLIENT,
            throttling.PRO_RESEND_CONFIRMATION_PER_EMAIL,
        )
        if error is None:
            accounts.resend_email_confirmation(form.cleaned_data["email"])
            return render(
                request, "pro/auth/email_sent.html", {"title": "Email envoyé", "kind": "confirmation"}
            )
    response = render(
        request,
        "pro/auth/resend_confirmation.html",
        {"title": "Recevoir un nouveau lien", "form": form},
        status=status_for(error) if error else 200,
    )
    return with_retry_after(response, error)


# --- Password reset ----------------------------------------------------------------------------


@never_cache
def password_reset_request(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        # Counted whether or not the address has an account, so the refusal says nothing either.
        error = throttled_email_request(
            request, form, throttling.PRO_PASSWORD_RESET_PER_CLIENT, throttling.PRO_PASSWORD_RESET_PER_EMAIL
        )
        if error is None:
            accounts.request_password_reset(form.cleaned_data["email"])
            # The same answer whether or not the address has an account.
            return render(request, "pro/auth/email_sent.html", {"title": "Email envoyé", "kind": "reset"})
    response = render(
        request,
        "pro/auth/password_reset_request.html",
        {"title": "Mot de passe oublié", "form": form},
        status=status_for(error) if error else 200,
    )
    return with_retry_after(response, error)


@sensitive_post_parameters("password1", "password2")
@never_cache
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != RESET_URL_TOKEN:
        request.session[SESSION_RESET_TOKEN] = token
        return redirect("pro:password-reset-confirm", uidb64=uidb64, token=RESET_URL_TOKEN)
    session_token = request.session.get(SESSION_RESET_TOKEN, "")
    try:
        user = accounts.user_for_password_reset(uidb64, session_token)
    except DomainError as error:
        context = {"title": "Lien invalide", "error": error}
        return render(request, "pro/auth/password_reset_confirm.html", context, status=status_for(error))
    form = SetPasswordForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts.reset_password(uidb64, session_token, form.cleaned_data["password1"])
            except DomainError as error:
                form.add_error("password1" if error.code == "WEAK_PASSWORD" else None, error.message)
                status = status_for(error)
            else:
                request.session.pop(SESSION_RESET_TOKEN, None)
                messages.success(request, "Votre mot de passe a été modifié : vous pouvez vous connecter.")
                return redirect("pro:login")
        else:
            status = 400
    context = {
        "title": "Nouveau mot de passe",
        "form": form,
        "password_rules": password_validation.password_validators_help_texts(),
    }
    return render(request, "pro/auth/password_reset_confirm.html", context, status=status)
