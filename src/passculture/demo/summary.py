"""The demo accounts table, read back from the database so it tells the truth on every run."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Sum

from passculture.core.common.money import format_euros
from passculture.core.common.time import FRENCH_MONTHS, age_on, format_local, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import balance_of, latest_deposit
from passculture.core.favourites.selectors import favourites_of
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.models import BankAccount, Pricing
from passculture.core.finance.periods import CUTOFF_TIMEZONE, latest_due_cutoff
from passculture.core.identity.selectors import open_check_of
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.models import Membership, Venue
from passculture.core.providers.allocine.models import AllocineVenueSettings
from passculture.core.users.constants import Role

from . import data


@dataclass(frozen=True)
class AccountRow:
    email: str
    role: str
    situation: str


def _beneficiary_situation(user, at: dt.datetime) -> str:
    day = to_local(at, settings.TIME_ZONE).date()
    age = age_on(user.birth_date, day) if user.birth_date else None
    if latest_deposit(user) is None and open_check_of(user) is not None:
        return f"{age} ans, identité en cours de vérification (file du back office)"
    if latest_deposit(user) is None:
        return f"{age} ans, pas encore éligible au crédit" if age is not None else "sans crédit"
    balance = balance_of(user, at)
    if balance.is_expired:
        assert balance.expires_at is not None
        expired_on = format_local(balance.expires_at, settings.TIME_ZONE)
        return f"{age} ans, crédit expiré le {expired_on} : séances gratuites seulement"
    spent = f", {format_euros(balance.spent_cents)} dépensés" if balance.spent_cents else ""
    favourites = favourites_of(user).count()
    liked = f", {favourites} favoris (/favoris/)" if favourites else ""
    return (
        f"{age} ans, identité vérifiée, {format_euros(balance.remaining_cents)} disponibles "
        f"sur {format_euros(balance.initial_cents)}{spent}{liked}"
    )


def _pro_situation(user) -> str:
    memberships = Membership.objects.filter(user=user).select_related("offerer").order_by("offerer__name")
    parts = []
    for membership in memberships:
        offerer = membership.offerer
        state = (
            "validée"
            if offerer.validation_status == ValidationStatus.VALIDATED
            else "en attente de validation"
        )
        parts.append(f"{offerer.name} ({membership.get_role_display().lower()}, structure {state})")
    return "membre de " + " ; ".join(parts) if parts else "rattaché à aucune structure"


def account_rows(at: dt.datetime | None = None) -> list[AccountRow]:
    at = at or utcnow()
    users = {user.email: user for user in get_user_model().objects.filter(email__in=data.ACCOUNT_EMAILS)}
    rows = []
    for email in data.ACCOUNT_EMAILS:
        user = users.get(email)
        if user is None:
            continue
        if user.role == Role.BENEFICIARY:
            rows.append(AccountRow(email, "jeune", _beneficiary_situation(user, at)))
        elif user.role == Role.PRO:
            rows.append(AccountRow(email, "pro", _pro_situation(user)))
        else:
            rows.append(AccountRow(email, "équipe", "back office /backoffice/ (accès staff)"))
    return rows


def format_accounts(rows: list[AccountRow]) -> str:
    width = max((len(row.email) for row in rows), default=0)
    lines = [f"Comptes de démonstration (mot de passe pour tous : {data.DEMO_PASSWORD})", ""]
    for row in rows:
        lines.append(f"  {row.email.ljust(width)}  {row.role.ljust(6)}  {row.situation}")
    return "\n".join(lines)


def allocine_summary() -> str:
    count = AllocineVenueSettings.objects.filter(is_active=True).count()
    if not count:
        return ""
    plural = "s" if count > 1 else ""
    return f"{count} cinéma{plural} importé{plural} depuis AlloCiné (flux de démonstration)."


def reimbursement_summary(at: dt.datetime | None = None) -> str:
    """Bank details, priced bookings and the batch to try, read back from the database."""
    at = at or utcnow()
    venues = Venue.objects.filter(siret__isnull=False).order_by("name")
    accepted = set(
        BankAccount.objects.filter(archived_at__isnull=True, status=BankAccountStatus.ACCEPTED).values_list(
            "venue_id", flat=True
        )
    )
    pending = set(
        BankAccount.objects.filter(archived_at__isnull=True, status=BankAccountStatus.PENDING).values_list(
            "venue_id", flat=True
        )
    )
    pricings = Pricing.objects.all()
    if not accepted and not pricings.exists():
        return ""
    totals = pricings.aggregate(
        count=Count("id"),
        booked=Sum("booking_amount_cents"),
        reimbursed=Sum("reimbursed_cents"),
        first=Min("validated_at"),
    )
    without = [venue.name for venue in venues if venue.pk not in accepted and venue.pk not in pending]
    lines = [
        "Remboursements :",
        f"  {len(accepted)} lieux avec coordonnées bancaires validées"
        + (f", {len(pending)} en attente de validation (back office)" if pending else "")
        + (f", sans coordonnées : {', '.join(without)}" if without else ""),
    ]
    if totals["count"]:
        first_day = to_local(totals["first"], settings.TIME_ZONE).date()
        first = f"{first_day.day} {FRENCH_MONTHS[first_day.month - 1]} {first_day.year}"
        lines.append(
            f"  {totals['count']} réservations utilisées valorisées depuis le {first} : "
            f"{format_euros(totals['booked'])} réservés, {format_euros(totals['reimbursed'])} à rembourser"
        )
    lines.append(
        f"  Historique : {data.history_email(1)} à {data.history_email(data.HISTORY_BENEFICIARY_COUNT)} "
        "(même mot de passe)"
    )
    cutoff = latest_due_cutoff(to_local(at, CUTOFF_TIMEZONE).date())
    lines.append(
        f"  Dernier virement dû : passculture payments generate --cutoff {cutoff.isoformat()} --out DOSSIER"
    )
    return "\n".join(lines)
