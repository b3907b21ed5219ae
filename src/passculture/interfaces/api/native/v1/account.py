"""Sign-in, token refresh and the current user's identity and credit."""

from django.http import HttpRequest
from ninja import Router

from passculture.core.credit.selectors import balance_of_deposit, latest_deposit
from passculture.core.users import throttling, tokens
from passculture.interfaces.api.auth import RefreshToken
from passculture.interfaces.http import client_ip

from .schemas import AccessTokenOut, ErrorOut, InvalidInputOut, MeOut, SigninIn, SigninOut

router = Router(tags=["Compte"])


@router.post(
    "/signin",
    auth=None,
    response={200: SigninOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidInputOut, 429: ErrorOut},
    by_alias=True,
    summary="Se connecter",
    description="Identifiant (email) et mot de passe. Trop d'échecs pour un même identifiant depuis une "
    "même adresse IP : 429 `RATE_LIMITED` pendant une minute.",
)
def signin(request: HttpRequest, payload: SigninIn):
    user = throttling.authenticate_throttled(
        payload.identifier, payload.password, client=client_ip(request, "unknown")
    )
    pair = tokens.issue_tokens(user)
    return {"access_token": pair.access, "refresh_token": pair.refresh}


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


@router.get("/me", response={200: MeOut, 401: ErrorOut}, by_alias=True, summary="Mon compte et mon crédit")
def me(request: HttpRequest):
    user = request.auth
    deposit = latest_deposit(user)
    credit = None
    if deposit is not None:
        balance = balance_of_deposit(deposit)
        credit = {
            "initial": balance.initial_cents,
            "remaining": balance.remaining_cents,
            "digital_cap_remaining": balance.digital_remaining_cents,
            "expiration_date": balance.expires_at,
            "is_expired": balance.is_expired,
        }
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "birth_date": user.birth_date,
        "is_beneficiary": user.is_beneficiary,
        "credit": credit,
    }
