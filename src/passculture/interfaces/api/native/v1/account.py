"""The account: sign-up, email confirmation, sign-in, tokens, password, the current user's identity,
eligibility and credit, and the deletion request."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Status

from passculture.core.credit.selectors import balance_of_deposits, deposits_of
from passculture.core.users import accounts, services, throttling, tokens
from passculture.core.users.selectors import eligibility, today
from passculture.core.users.validation import check_app_access, check_postal_code, cities_for_postal_code
from passculture.interfaces.api.auth import RefreshToken
from passculture.interfaces.http import client_ip

from .schemas import (
    AccessTokenOut,
    ChangePasswordIn,
    CitiesOut,
    DeletionOut,
    EmailIn,
    ErrorOut,
    InvalidInputOut,
    MeOut,
    PasswordIn,
    ResetPasswordIn,
    SigninIn,
    SigninOut,
    SignupIn,
    SignupOut,
    ValidateEmailIn,
)

router = Router(tags=["Compte"])
BENEFICIARY_ROLES = accounts.BENEFICIARY_ROLES


def _client(request: HttpRequest) -> str:
    return client_ip(request, "unknown")


def _eligibility(birth_date: dt.date | None, *, has_credit: bool) -> dict:
    state = eligibility(birth_date, today())
    return {
        "status": state.status,
        "eligible_from": state.eligible_from,
        "last_eligible_day": state.last_eligible_day,
        "message": state.message,
        "next_step": "IDENTITY_CHECK" if state.is_eligible and not has_credit else None,
    }


def _tokens(user) -> dict:
    pair = tokens.issue_tokens(user)
    return {"access_token": pair.access, "refresh_token": pair.refresh}


# --- Sign-up and email confirmation ----------------------------------------------------------------


@router.post(
    "/signup",
    auth=None,
    response={201: SignupOut, 400: ErrorOut, 409: ErrorOut, 422: InvalidInputOut, 429: ErrorOut},
    by_alias=True,
    summary="Créer un compte",
    description="Crée un compte bénéficiaire dont l'email reste à confirmer, et envoie le lien de "
    "confirmation (valable 3 jours ; `POST /validate_email`). Dès 15 ans ; le crédit se demande à 18 ans "
    "(`eligibility`).\n\n"
    "Erreurs 400 : `INVALID_EMAIL`, `WEAK_PASSWORD`, `INVALID_NAME`, `INVALID_BIRTH_DATE`, "
    "`TOO_YOUNG_TO_SIGN_UP`, `INVALID_PHONE_NUMBER`, `INVALID_POSTAL_CODE`, `INVALID_CITY`, "
    "`CITY_NOT_MATCHING_POSTAL_CODE`, `TERMS_NOT_ACCEPTED`. 409 `EMAIL_ALREADY_USED` : l'adresse a déjà "
    "un compte (connectez-vous ou réinitialisez le mot de passe). 429 `RATE_LIMITED` : trop "
    "d'inscriptions depuis la même adresse IP (10 par heure), avec `Retry-After`.",
)
def signup(request: HttpRequest, payload: SignupIn):
    throttling.hit((throttling.SIGNUP_PER_CLIENT, _client(request)))
    user = services.register_beneficiary(
        email=payload.email,
        password=payload.password,
        first_name=payload.first_name,
        last_name=payload.last_name,
        birth_date=payload.birth_date,
        phone_number=payload.phone_number,
        postal_code=payload.postal_code,
        city=payload.city,
        accepted_terms=payload.accepted_terms,
    )
    return Status(201, {"email": user.email, "eligibility": _eligibility(user.birth_date, has_credit=False)})


@router.get(
    "/cities",
    auth=None,
    response={200: CitiesOut, 400: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Villes d'un code postal",
    description="Les villes que le répertoire des communes connaît pour ce code postal, pour proposer la "
    "ville à l'inscription. 400 `INVALID_POSTAL_CODE` si ce ne sont pas 5 chiffres.",
)
def cities(request: HttpRequest, postal_code: str):
    code = check_postal_code(postal_code)
    return {"postal_code": code, "cities": cities_for_postal_code(code)}


@router.post(
    "/validate_email",
    auth=None,
    response={200: SigninOut, 400: ErrorOut, 409: ErrorOut, 410: ErrorOut, 422: InvalidInputOut},
    by_alias=True,
    summary="Confirmer l'adresse email",
    description="Le jeton est le dernier segment du lien reçu par email. Confirme l'adresse et connecte : "
    "renvoie les jetons comme `POST /signin`. Le lien ne connecte qu'une fois : ensuite 409 "
    "`EMAIL_ALREADY_CONFIRMED` (se connecter avec le mot de passe). 410 `EMAIL_CONFIRMATION_LINK_EXPIRED` "
    "après 3 jours ; 400 `INVALID_EMAIL_CONFIRMATION_LINK` pour un jeton invalide.",
)
def validate_email(request: HttpRequest, payload: ValidateEmailIn):
    return _tokens(accounts.confirm_email_once(payload.token))


@router.post(
    "/resend_email_validation",
    auth=None,
    response={204: None, 422: InvalidInputOut, 429: ErrorOut},
    summary="Recevoir un nouveau lien de confirmation",
    description="Envoie un nouveau lien si l'adresse a un compte bénéficiaire non confirmé, sinon un email "
    "qui dit pourquoi il n'y a pas de lien (adresse déjà confirmée, aucun compte). Répond 204 dans tous les "
    "cas, avec le même travail, pour ne pas révéler quelles adresses ont un compte. 429 `RATE_LIMITED` : 3 demandes "
    "par adresse email et 10 par adresse IP en 15 minutes.",
)
def resend_email_validation(request: HttpRequest, payload: EmailIn):
    throttling.hit(
        (throttling.RESEND_CONFIRMATION_PER_CLIENT, _client(request)),
        (throttling.RESEND_CONFIRMATION_PER_EMAIL, payload.email),
    )
    accounts.resend_email_confirmation(payload.email, roles=BENEFICIARY_ROLES)
    return Status(204, None)


# --- Sign-in and tokens -------------------------------------------------------------------------


@router.post(
    "/signin",
    auth=None,
    response={200: SigninOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidInputOut, 429: ErrorOut},
    by_alias=True,
    summary="Se connecter",
    description="Identifiant (email) et mot de passe. 401 `INVALID_CREDENTIALS` ; 401 `ACCOUNT_INACTIVE` "
    "pour un compte désactivé (le message dit si sa suppression est en cours) ; 403 `EMAIL_NOT_VALIDATED` "
    "tant que l'email n'est pas confirmé (`POST /resend_email_validation`) ; 403 `NOT_A_BENEFICIARY` pour "
    "un compte professionnel ou de l'équipe pass Culture (l'application est réservée aux jeunes : ils "
    "se connectent sur l'espace professionnel), comme sur l'application web. Trop d'échecs pour un même "
    "identifiant depuis une même adresse IP : 429 `RATE_LIMITED` pendant une minute.",
)
def signin(request: HttpRequest, payload: SigninIn):
    user = throttling.authenticate_throttled(payload.identifier, payload.password, client=_client(request))
    # After the password, like the web app's login: the refusal tells nothing to someone without it.
    check_app_access(user)
    return _tokens(user)


@router.post(
    "/refresh_access_token",
    auth=RefreshToken(),
    response={200: AccessTokenOut, 401: ErrorOut},
    by_alias=True,
    summary="Renouveler le jeton d'accès",
    description="`Authorization: Bearer <refreshToken>` ; un jeton d'accès est refusé ici.",
)
def refresh_access_token(request: HttpRequest):
    return {"access_token": tokens.issue_access_token(request.auth)}


# --- Password -----------------------------------------------------------------------------------


@router.post(
    "/request_password_reset",
    auth=None,
    response={204: None, 422: InvalidInputOut, 429: ErrorOut},
    summary="Mot de passe oublié",
    description="Envoie un lien de réinitialisation (valable 3 jours, utilisable une fois) si l'adresse a un "
    "compte bénéficiaire actif, sinon un message disant qu'aucun compte de l'application ne l'utilise : la "
    "réponse et son temps ne disent pas si l'adresse a un compte. Répond 204 dans tous les cas. 429 `RATE_LIMITED` : 3 demandes par adresse "
    "email et 10 par adresse IP en 15 minutes.",
)
def request_password_reset(request: HttpRequest, payload: EmailIn):
    throttling.hit(
        (throttling.PASSWORD_RESET_PER_CLIENT, _client(request)),
        (throttling.PASSWORD_RESET_PER_EMAIL, payload.email),
    )
    accounts.request_password_reset(payload.email, roles=BENEFICIARY_ROLES)
    return Status(204, None)


@router.post(
    "/reset_password",
    auth=None,
    response={204: None, 400: ErrorOut, 422: InvalidInputOut},
    summary="Choisir un nouveau mot de passe",
    description="`uidb64` et `token` sont les deux derniers segments du lien reçu "
    "(`/mot-de-passe/<uidb64>/<token>/`). 400 `INVALID_PASSWORD_RESET_LINK` (invalide, expiré ou déjà "
    "utilisé), 400 `WEAK_PASSWORD`. Les jetons de connexion émis avant ne fonctionnent plus.",
)
def reset_password(request: HttpRequest, payload: ResetPasswordIn):
    accounts.reset_password(payload.uidb64, payload.token, payload.new_password, roles=BENEFICIARY_ROLES)
    return Status(204, None)


@router.post(
    "/change_password",
    response={200: SigninOut, 400: ErrorOut, 401: ErrorOut, 422: InvalidInputOut, 429: ErrorOut},
    by_alias=True,
    summary="Changer de mot de passe",
    description="Les jetons émis avant ne fonctionnent plus : la réponse en donne de nouveaux. 400 "
    "`INCORRECT_PASSWORD` (mot de passe actuel), 400 `WEAK_PASSWORD` ; 429 `RATE_LIMITED` après 10 "
    "essais en 15 minutes.",
)
def change_password(request: HttpRequest, payload: ChangePasswordIn):
    throttling.hit((throttling.PASSWORD_CHECK_PER_USER, request.auth.pk))
    user = services.change_password(request.auth, payload.current_password, payload.new_password)
    return _tokens(user)


# --- The current user ---------------------------------------------------------------------------


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    by_alias=True,
    summary="Mon compte, mon éligibilité et mon crédit",
    description="`eligibility` explique où en est la personne : pas encore 18 ans (avec la date), éligible "
    "(prochaine étape : `IDENTITY_CHECK` tant que le crédit n'est pas attribué), ou plus éligible.",
)
def me(request: HttpRequest):
    user = request.auth
    deposits = deposits_of(user)
    credit = None
    if deposits:
        balance = balance_of_deposits(deposits)
        credit = {
            "initial": balance.initial_cents,
            "remaining": balance.remaining_cents,
            "digital_cap_remaining": balance.digital_remaining_cents,
            "expiration_date": balance.expires_at,
            "is_expired": balance.is_expired,
            "free_offers_only": balance.free_offers_only,
        }
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_date": user.birth_date,
        "phone_number": user.phone_number,
        "postal_code": user.postal_code,
        "city": user.city,
        "is_beneficiary": user.is_beneficiary,
        "eligibility": _eligibility(user.birth_date, has_credit=bool(deposits)),
        "credit": credit,
    }


@router.post(
    "/account/suspend_for_deletion",
    response={
        200: DeletionOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: InvalidInputOut,
        429: ErrorOut,
    },
    by_alias=True,
    summary="Supprimer mon compte",
    description="Confirmé par le mot de passe (400 `INCORRECT_PASSWORD` ; 429 `RATE_LIMITED` après 10 essais "
    "en 15 minutes). Le compte est désactivé aussitôt : les jetons cessent de fonctionner et la connexion "
    "répond 401 `ACCOUNT_INACTIVE`. Les réservations confirmées encore annulables sont annulées (places et "
    "crédit libérés) ; les autres sont conservées. Les données personnelles sont anonymisées à partir de "
    "`anonymisationDate`. Un email confirme la demande. 403 `NOT_A_BENEFICIARY` pour un compte "
    "professionnel.",
)
def suspend_for_deletion(request: HttpRequest, payload: PasswordIn):
    throttling.hit((throttling.PASSWORD_CHECK_PER_USER, request.auth.pk))
    deletion = services.request_account_deletion(request.auth, payload.password)
    return {
        "requested_at": deletion.requested_at,
        "anonymisation_date": services.anonymisation_due(deletion),
        "cancelled_bookings": deletion.cancelled_bookings,
        "kept_bookings": deletion.kept_bookings,
    }
