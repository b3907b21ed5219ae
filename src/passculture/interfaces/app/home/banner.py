"""The credit banner at the top of the home feed: what the person can spend, or why nothing and what to do.

Each state comes from the core (credit balance, eligibility, identity check), in the "tu" voice. The
order matters: a credit, even expired, says more than the eligibility computed from the birth date.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from passculture.core.common.money import format_euros
from passculture.core.credit.selectors import balance_of_deposits, deposits_of
from passculture.core.identity.constants import CheckStatus
from passculture.core.identity.selectors import identity_state
from passculture.core.users.selectors import format_day

from ..bookings.credit import valid_until


@dataclass(frozen=True)
class Banner:
    kind: str  # CREDIT, EXPIRED, SPENT, IDENTITY, PENDING, NOT_YET, NO_LONGER, ANONYMOUS, OTHER
    title: str
    text: str
    link_url: str = ""
    link_label: str = ""
    # DSFR notice/alert flavour: info, success, warning
    tone: str = "info"


def credit_banner(user, *, at: dt.datetime) -> Banner | None:
    if not user.is_authenticated:
        return Banner(
            "ANONYMOUS",
            "Tu as 18 ans ?",
            "Crée ton compte pour recevoir jusqu'à 300 € à dépenser au cinéma près de chez toi.",
            reverse("app:signup"),
            "Créer mon compte",
        )
    if not user.is_beneficiary:
        return None
    deposits = deposits_of(user)
    if deposits:
        balance = balance_of_deposits(deposits, at)
        expiry = valid_until(balance.expires_at) if balance.expires_at else ""
        if balance.is_expired:
            return Banner(
                "EXPIRED",
                "Ton crédit a expiré",
                f"Il était valable jusqu'au {expiry}. Les séances gratuites restent réservables.",
                reverse("app:credit"),
                "Voir mon historique",
                "warning",
            )
        if balance.remaining_cents == 0:
            return Banner(
                "SPENT",
                "Tu as dépensé tout ton crédit",
                f"Les séances gratuites restent réservables jusqu'au {expiry}.",
                reverse("app:credit"),
                "Voir mon historique",
            )
        return Banner(
            "CREDIT",
            f"Il te reste {format_euros(balance.remaining_cents)}",
            f"À dépenser jusqu'au {expiry}.",
            reverse("app:credit"),
            "Voir mon crédit",
            "success",
        )
    state = identity_state(user, at)
    status = state.eligibility.status
    start = state.eligibility.eligible_from
    if status == "NOT_YET" and start is not None and user.birth_date is not None:
        age = start.year - user.birth_date.year
        return Banner(
            "NOT_YET",
            "Ton crédit arrive bientôt",
            f"Tu pourras le demander à partir du {format_day(start)}, le jour de tes {age} ans. "
            "En attendant, découvre les films à l'affiche.",
        )
    if status == "NO_LONGER":
        return Banner(
            "NO_LONGER",
            "Le pass Culture se demande avant 19 ans",
            "Tu ne peux plus recevoir de crédit, mais tu peux garder ton compte et réserver les séances gratuites.",
        )
    if state.status == CheckStatus.SUBMITTED:
        return Banner(
            "PENDING",
            "Ton identité est en cours de vérification",
            "Tu recevras un email dès que ton crédit sera attribué.",
            reverse("app:identity"),
            "Suivre ma demande",
        )
    if state.status == CheckStatus.REJECTED:
        return Banner(
            "IDENTITY",
            "Ta vérification d'identité a été refusée",
            "Regarde pourquoi et envoie un nouveau document pour recevoir ton crédit.",
            reverse("app:identity"),
            "Voir pourquoi",
            "warning",
        )
    if status == "ELIGIBLE":
        return Banner(
            "IDENTITY",
            "Reçois ton crédit de 300 €",
            "Fais vérifier ton identité : c'est la dernière étape.",
            reverse("app:identity"),
            "Vérifier mon identité",
        )
    return Banner(
        "OTHER",
        "Complète ton profil",
        "Ta date de naissance nous dit quand tu peux recevoir ton crédit.",
        reverse("app:account"),
        "Mon profil",
    )
