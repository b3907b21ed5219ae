"""Emails of the professionals' accounts and of staff validations (sign-up, password, offerers,
memberships). Each builder takes plain values and returns an EmailContent; callers queue it with
services.queue_built inside their transaction.

They share one short template pair (a greeting, paragraphs, an optional button): these are notices,
not documents, and one layout keeps them consistent.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from .builders import EmailContent

TEMPLATE = "emails/account/message"


def absolute_url(route: str, **kwargs) -> str:
    """A link for an email: the public base URL, since there is no request to take a host from."""
    return f"{settings.PUBLIC_BASE_URL}{reverse(route, kwargs=kwargs or None)}"


def _message(
    kind: str,
    subject: str,
    to: list[str],
    *,
    greeting: str,
    paragraphs: list[str],
    action_url: str = "",
    action_label: str = "",
    footer: str = "",
    sensitive: bool = False,
) -> EmailContent:
    context = {
        "subject": subject,
        "greeting": greeting,
        "paragraphs": paragraphs,
        "action_url": action_url,
        "action_label": action_label,
        "footer_note": footer,
    }
    rendered = str(render_to_string(f"{TEMPLATE}.txt", context))
    text = "\n".join(line.rstrip() for line in rendered.strip().splitlines()) + "\n"
    html = str(render_to_string(f"{TEMPLATE}.html", context))
    return EmailContent(kind=kind, subject=subject, text=text, html=html, to=to, sensitive=sensitive)


def _hello(first_name: str) -> str:
    return f"Bonjour {first_name}," if first_name else "Bonjour,"


def email_confirmation(*, email: str, first_name: str, link: str) -> EmailContent:
    return _message(
        "account_email_confirmation",
        "Confirmez votre adresse email — pass Culture Pro",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Vous venez de créer votre compte sur pass Culture Pro.",
            "Confirmez votre adresse email pour pouvoir vous connecter. Ce lien est valable 3 jours.",
        ],
        action_url=link,
        action_label="Confirmer mon adresse email",
        footer="Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.",
        sensitive=True,
    )


def password_reset(*, email: str, first_name: str, link: str) -> EmailContent:
    return _message(
        "account_password_reset",
        "Réinitialisation de votre mot de passe — pass Culture Pro",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Une réinitialisation du mot de passe de votre compte pass Culture Pro a été demandée.",
            "Ce lien ne sert qu'une fois et est valable 3 jours.",
        ],
        action_url=link,
        action_label="Choisir un nouveau mot de passe",
        footer="Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
        sensitive=True,
    )


def password_reset_without_account(*, email: str, signup_link: str) -> EmailContent:
    # No sign-in link: not sensitive (staff may read it in the outbox).
    return _message(
        "password_reset_without_account",
        "Réinitialisation de mot de passe demandée — pass Culture Pro",
        [email],
        greeting="Bonjour,",
        paragraphs=[
            "Une réinitialisation de mot de passe a été demandée sur pass Culture Pro pour cette adresse "
            "email, mais aucun compte pass Culture Pro ne l'utilise.",
            "Si vous avez un compte, vous l'avez peut-être créé avec une autre adresse : refaites la "
            "demande avec celle-ci. Sinon, vous pouvez créer un compte.",
        ],
        action_url=signup_link,
        action_label="Créer un compte pass Culture Pro",
        footer="Si vous n'avez rien demandé, ignorez ce message : aucun compte n'a été créé ni modifié.",
    )


def confirmation_without_account(*, email: str, signup_link: str) -> EmailContent:
    return _message(
        "confirmation_without_account",
        "Lien de confirmation demandé — pass Culture Pro",
        [email],
        greeting="Bonjour,",
        paragraphs=[
            "Un nouveau lien de confirmation a été demandé sur pass Culture Pro pour cette adresse email, "
            "mais aucun compte pass Culture Pro ne l'utilise.",
            "Si vous avez créé un compte, vous l'avez peut-être fait avec une autre adresse : refaites la "
            "demande avec celle-ci. Sinon, vous pouvez créer un compte.",
        ],
        action_url=signup_link,
        action_label="Créer un compte pass Culture Pro",
        footer="Si vous n'avez rien demandé, ignorez ce message : aucun compte n'a été créé ni modifié.",
    )


def email_already_confirmed(*, email: str, first_name: str, login_link: str) -> EmailContent:
    return _message(
        "email_already_confirmed",
        "Votre adresse email est déjà confirmée — pass Culture Pro",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Un nouveau lien de confirmation a été demandé pour votre compte pass Culture Pro, mais votre "
            "adresse email est déjà confirmée : vous pouvez vous connecter.",
            "Mot de passe oublié ? Choisissez-en un nouveau depuis la page de connexion.",
        ],
        action_url=login_link,
        action_label="Se connecter",
        footer="Si vous n'avez rien demandé, ignorez ce message : votre compte reste inchangé.",
    )


def offerer_created_to_staff(
    *, to: list[str], offerer_name: str, siren: str, creator_email: str, registry_label: str, link: str
) -> EmailContent:
    return _message(
        "offerer_created_staff",
        f"Nouvelle structure à valider : {offerer_name} ({siren})",
        to,
        greeting="Bonjour,",
        paragraphs=[
            f"{creator_email} a inscrit la structure {offerer_name} (SIREN {siren}).",
            f"Répertoire des entreprises : {registry_label}.",
        ],
        action_url=link,
        action_label="Ouvrir la file de validation",
    )


def membership_requested(
    *, to: list[str], offerer_name: str, siren: str, member_name: str, member_email: str, link: str
) -> EmailContent:
    return _message(
        "membership_requested",
        f"Demande de rattachement à {offerer_name}",
        to,
        greeting="Bonjour,",
        paragraphs=[
            f"{member_name} ({member_email}) demande à rejoindre la structure {offerer_name} (SIREN {siren}) "
            "sur pass Culture Pro.",
            "Acceptez ou refusez cette demande depuis la page des membres de la structure.",
        ],
        action_url=link,
        action_label="Voir les demandes",
    )


def offerer_decision(
    *, to: list[str], offerer_name: str, siren: str, validated: bool, reason: str = "", link: str = ""
) -> EmailContent:
    if validated:
        return _message(
            "offerer_validated",
            f"Votre structure {offerer_name} est validée",
            to,
            greeting="Bonjour,",
            paragraphs=[
                f"L'équipe pass Culture a validé votre structure {offerer_name} (SIREN {siren}).",
                "Vos offres peuvent désormais être réservées par les jeunes.",
            ],
            action_url=link,
            action_label="Aller sur pass Culture Pro",
        )
    return _message(
        "offerer_rejected",
        f"Votre structure {offerer_name} n'a pas été validée",
        to,
        greeting="Bonjour,",
        paragraphs=[
            f"L'équipe pass Culture n'a pas validé votre structure {offerer_name} (SIREN {siren}).",
            f"Motif : {reason}",
            "Pour toute question, répondez à ce message.",
        ],
    )


def membership_decision(
    *, email: str, first_name: str, offerer_name: str, validated: bool, reason: str = "", link: str = ""
) -> EmailContent:
    if validated:
        return _message(
            "membership_validated",
            f"Votre rattachement à {offerer_name} est accepté",
            [email],
            greeting=_hello(first_name),
            paragraphs=[f"Votre demande de rattachement à la structure {offerer_name} a été acceptée."],
            action_url=link,
            action_label="Aller sur pass Culture Pro",
        )
    paragraphs = [f"Votre demande de rattachement à la structure {offerer_name} a été refusée."]
    if reason:
        paragraphs.append(f"Motif : {reason}")
    return _message(
        "membership_rejected",
        f"Votre rattachement à {offerer_name} est refusé",
        [email],
        greeting=_hello(first_name),
        paragraphs=paragraphs,
    )


# --- Beneficiaries' accounts (the app at /) ------------------------------------------------------


def beneficiary_email_confirmation(*, email: str, first_name: str, link: str) -> EmailContent:
    return _message(
        "account_beneficiary_email_confirmation",
        "Confirmez votre adresse email — pass Culture",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Bienvenue sur le pass Culture cinéma ! Confirmez votre adresse email pour activer votre compte.",
            "Ce lien est valable 3 jours. Ensuite, connectez-vous : si vous avez 18 ans, vous pourrez "
            "faire vérifier votre identité pour recevoir votre crédit.",
        ],
        action_url=link,
        action_label="Confirmer mon adresse email",
        footer="Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message : "
        "le compte ne sera pas activé.",
        sensitive=True,
    )


def beneficiary_password_reset(*, email: str, first_name: str, link: str) -> EmailContent:
    return _message(
        "account_beneficiary_password_reset",
        "Réinitialisation de votre mot de passe — pass Culture",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Une réinitialisation du mot de passe de votre compte pass Culture a été demandée.",
            "Ce lien ne sert qu'une fois et est valable 3 jours.",
        ],
        action_url=link,
        action_label="Choisir un nouveau mot de passe",
        footer="Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
        sensitive=True,
    )


def beneficiary_password_reset_without_account(*, email: str, signup_link: str) -> EmailContent:
    return _message(
        "beneficiary_password_reset_without_account",
        "Réinitialisation de mot de passe demandée — pass Culture",
        [email],
        greeting="Bonjour,",
        paragraphs=[
            "Une réinitialisation de mot de passe a été demandée dans l'application pass Culture pour "
            "cette adresse email, mais aucun compte de l'application ne l'utilise.",
            "Si vous avez un compte, vous l'avez peut-être créé avec une autre adresse : refaites la "
            "demande avec celle-ci. Sinon, vous pouvez créer votre compte.",
        ],
        action_url=signup_link,
        action_label="Créer mon compte",
        footer="Si vous n'avez rien demandé, ignorez ce message : aucun compte n'a été créé ni modifié.",
    )


def beneficiary_confirmation_without_account(*, email: str, signup_link: str) -> EmailContent:
    return _message(
        "beneficiary_confirmation_without_account",
        "Lien de confirmation demandé — pass Culture",
        [email],
        greeting="Bonjour,",
        paragraphs=[
            "Un nouveau lien de confirmation a été demandé dans l'application pass Culture pour cette "
            "adresse email, mais aucun compte de l'application ne l'utilise.",
            "Si vous avez créé un compte, vous l'avez peut-être fait avec une autre adresse : refaites la "
            "demande avec celle-ci. Sinon, vous pouvez créer votre compte.",
        ],
        action_url=signup_link,
        action_label="Créer mon compte",
        footer="Si vous n'avez rien demandé, ignorez ce message : aucun compte n'a été créé ni modifié.",
    )


def beneficiary_email_already_confirmed(*, email: str, first_name: str, login_link: str) -> EmailContent:
    return _message(
        "beneficiary_email_already_confirmed",
        "Votre adresse email est déjà confirmée — pass Culture",
        [email],
        greeting=_hello(first_name),
        paragraphs=[
            "Un nouveau lien de confirmation a été demandé pour votre compte pass Culture, mais votre "
            "adresse email est déjà confirmée : vous pouvez vous connecter.",
            "Mot de passe oublié ? Choisissez-en un nouveau depuis la page de connexion.",
        ],
        action_url=login_link,
        action_label="Me connecter",
        footer="Si vous n'avez rien demandé, ignorez ce message : votre compte reste inchangé.",
    )


def account_deletion_requested(
    *,
    email: str,
    first_name: str,
    anonymisation_day: str,
    cancelled_bookings: int,
    kept_bookings: int,
    support_email: str,
) -> EmailContent:
    paragraphs = [
        "Nous avons bien reçu votre demande de suppression de votre compte pass Culture. "
        "Votre compte est désactivé : vous ne pouvez plus vous y connecter.",
    ]
    if cancelled_bookings:
        paragraphs.append(
            f"{cancelled_bookings} réservation{'s' if cancelled_bookings > 1 else ''} encore "
            f"annulable{'s' if cancelled_bookings > 1 else ''} "
            f"{'ont été annulées' if cancelled_bookings > 1 else 'a été annulée'} : les places sont libérées."
        )
    if kept_bookings:
        paragraphs.append(
            f"{kept_bookings} réservation{'s' if kept_bookings > 1 else ''} "
            f"{'ne pouvaient' if kept_bookings > 1 else 'ne pouvait'} plus être "
            f"annulée{'s' if kept_bookings > 1 else ''} : "
            f"{'elles restent valables' if kept_bookings > 1 else 'elle reste valable'} au cinéma avec "
            "la contremarque reçue par email."
        )
    paragraphs += [
        "Le crédit pass Culture restant est perdu.",
        f"Vos données personnelles seront anonymisées à partir du {anonymisation_day}. Les réservations "
        "passées sont conservées sans votre nom, pour la comptabilité des cinémas.",
    ]
    # Not an "account_" kind: it carries no sign-in link, so staff may read it in the outbox.
    return _message(
        "deletion_requested",
        "Votre demande de suppression de compte — pass Culture",
        [email],
        greeting=_hello(first_name),
        paragraphs=paragraphs,
        footer=f"Si vous n'êtes pas à l'origine de cette demande, écrivez au plus vite à {support_email} : "
        "le compte peut être rétabli jusqu'à son anonymisation.",
    )
