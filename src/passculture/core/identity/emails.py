"""Emails to the beneficiary about their identity check (one builder per email, queued in the outbox by
the service that decides, in its transaction). They share the notices' layout (emails/account/message)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from passculture.core.common.geography import timezone_for_postal_code
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local
from passculture.core.notifications.builders import EmailContent

from .constants import REJECTION_HINTS, RejectionReason

TEMPLATE = "emails/account/message"


def _link(route: str) -> str:
    """An absolute link for an email: there is no request to take the host from."""
    return f"{settings.PUBLIC_BASE_URL}{reverse(route)}"


def _render(kind: str, subject: str, to: str, *, first_name: str, paragraphs: list[str], action_url: str,
            action_label: str) -> EmailContent:  # fmt: skip
    context = {
        "subject": subject,
        "greeting": f"Bonjour {first_name}," if first_name else "Bonjour,",
        "paragraphs": paragraphs,
        "action_url": action_url,
        "action_label": action_label,
        "footer_note": "",
    }
    rendered = str(render_to_string(f"{TEMPLATE}.txt", context))
    text = "\n".join(line.rstrip() for line in rendered.strip().splitlines()) + "\n"
    html = str(render_to_string(f"{TEMPLATE}.html", context))
    return EmailContent(kind=kind, subject=subject, text=text, html=html, to=[to])


# What the credit pays for, in this cinema-only service (RULES.md, "Offers and stocks").
CREDIT_USES = (
    "Il sert à réserver des séances de cinéma, des cartes et des abonnements de cinéma dans les cinémas "
    "partenaires de l'application, seul ou en duo quand le cinéma le propose."
)


def identity_approved(user, deposit) -> EmailContent:
    """The credit granted (issue 16 point 4): amount, expiry on the person's clock, what it is for."""
    amount = format_euros(deposit.amount_cents)
    tz_name = timezone_for_postal_code(user.postal_code)
    paragraphs = [
        "Votre identité est vérifiée : votre crédit pass Culture est disponible.",
        f"Montant : {amount}, valable jusqu'au {format_local(deposit.expires_at, tz_name)}.",
        CREDIT_USES,
    ]
    if deposit.digital_cap_cents is not None:
        paragraphs.append(
            f"Dont {format_euros(deposit.digital_cap_cents)} au plus pour les offres numériques."
        )
    paragraphs.append("Réservez vos séances de cinéma près de chez vous dans l'application.")
    return _render(
        "identity_approved",
        f"Votre crédit pass Culture de {amount} est disponible",
        user.email,
        first_name=user.first_name,
        paragraphs=paragraphs,
        action_url=_link("app:home"),
        action_label="Trouver une séance",
    )


def credit_of_age_granted(user, deposit, earlier_remaining_cents: int, earlier_expires_at) -> EmailContent:
    """The credit of a new age (18 under the 2025 policy), granted without a new identity check."""
    amount = format_euros(deposit.amount_cents)
    age = deposit.policy.age
    paragraphs = [
        f"Vous avez {age} ans : votre nouveau crédit pass Culture est disponible.",
        f"Montant : {amount}, valable jusqu'au {format_local(deposit.expires_at, settings.TIME_ZONE)}.",
    ]
    if earlier_remaining_cents:
        paragraphs.append(
            f"Ce qui reste de votre premier crédit ({format_euros(earlier_remaining_cents)}) s'y ajoute : "
            f"il reste utilisable jusqu'au {format_local(earlier_expires_at, settings.TIME_ZONE)}. "
            "Vos réservations le dépensent en premier."
        )
    return _render(
        "credit_of_age_granted",
        f"Vos {age} ans : votre crédit pass Culture de {amount} est disponible",
        user.email,
        first_name=user.first_name,
        paragraphs=paragraphs,
        action_url=_link("app:home"),
        action_label="Trouver une séance",
    )


def identity_rejected(check) -> EmailContent:
    reason = RejectionReason(check.rejection_reason)
    paragraphs = [
        "Nous n'avons pas pu vérifier votre identité à partir des informations envoyées.",
        f"Motif : {reason.label}.",
    ]
    if check.rejection_comment:
        paragraphs.append(f"Précision de l'équipe pass Culture : {check.rejection_comment}")
    if REJECTION_HINTS.get(reason):
        paragraphs.append(REJECTION_HINTS[reason])
    paragraphs.append("Vous pouvez envoyer une nouvelle demande dès maintenant.")
    return _render(
        "identity_rejected",
        "Votre vérification d'identité n'a pas abouti",
        check.user.email,
        first_name=check.user.first_name,
        paragraphs=paragraphs,
        action_url=_link("app:identity"),
        action_label="Envoyer une nouvelle demande",
    )
