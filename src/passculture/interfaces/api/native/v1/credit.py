"""The current beneficiary's credit and its history."""

from django.http import HttpRequest
from ninja import Router

from passculture.core.common.time import now as utcnow
from passculture.core.credit.exceptions import NoDeposit
from passculture.core.credit.selectors import (
    balance_of_deposit,
    balance_of_deposits,
    credit_history_of_deposits,
    deposits_of,
)
from passculture.core.users.exceptions import NotABeneficiary

from .schemas import ErrorOut, MyCreditOut

router = Router(tags=["Crédit"])


@router.get(
    "/me/credit",
    response={200: MyCreditOut, 401: ErrorOut, 403: ErrorOut},
    by_alias=True,
    summary="Mon crédit et son historique",
    description="Solde, plafond numérique, expiration, et chaque mouvement : crédit attribué, réservations, "
    "remboursements d'annulations, expiration. 403 `NO_DEPOSIT` tant que le crédit n'est pas attribué "
    "(identité à faire vérifier), 403 `NOT_A_BENEFICIARY` pour un compte pro.",
)
def my_credit(request: HttpRequest):
    user = request.auth
    if not user.is_beneficiary:
        raise NotABeneficiary("Seuls les bénéficiaires du pass Culture ont un crédit.")
    deposits = deposits_of(user)
    if not deposits:
        raise NoDeposit()
    at = utcnow()
    balance = balance_of_deposits(deposits, at)
    latest = max(deposits, key=lambda deposit: (deposit.granted_at, deposit.pk))
    return {
        "initial": balance.initial_cents,
        "spent": balance.spent_cents,
        "remaining": balance.remaining_cents,
        "digital_cap": balance.digital_cap_cents,
        "digital_cap_remaining": balance.digital_remaining_cents,
        "granted_at": latest.granted_at,
        "expiration_date": balance.expires_at,
        "is_expired": balance.is_expired,
        "free_offers_only": balance.free_offers_only,
        "deposits": [
            {
                "age": deposit.policy.age,
                "initial": part.initial_cents,
                "spent": part.spent_cents,
                "remaining": part.remaining_cents,
                "granted_at": deposit.granted_at,
                "expiration_date": deposit.expires_at,
                "is_expired": part.is_expired,
            }
            for deposit in deposits
            for part in [balance_of_deposit(deposit, at)]
        ],
        "history": [
            {
                "kind": movement.kind,
                "date": movement.at,
                "amount": movement.amount_cents,
                "balance_after": movement.balance_after_cents,
                "booking_id": movement.booking_id,
                "offer_name": movement.offer_name or None,
                "quantity": movement.quantity or None,
                "cancellation_reason": movement.cancellation_reason or None,
                "age": movement.age,
            }
            for movement in credit_history_of_deposits(deposits, at)
        ],
    }
