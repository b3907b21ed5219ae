"""Staff pages for custom reimbursement rules: list (current and ended), create, end.

The form takes Paris wall-clock times, a rate in percent or a fixed amount in euros per place; the
rules themselves (no past start, no overlap, rate or amount) are the service's, shown in French."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import euros_to_cents, format_euros
from passculture.core.common.time import local_time_exists, local_to_utc
from passculture.core.common.time import now as utcnow
from passculture.core.finance.models import CustomReimbursementRule
from passculture.core.finance.periods import CUTOFF_TIMEZONE
from passculture.core.finance.reimbursement_rules import create_custom_rule, end_custom_rule
from passculture.core.offerers.models import Offerer, Venue
from passculture.core.offers.models import Offer

# Staff work in Paris time (the cut-offs are in Paris time too).
STAFF_TIMEZONE = CUTOFF_TIMEZONE
TARGETS = {
    "offer": (Offer, "offre"),
    "venue": (Venue, "lieu"),
    "offerer": (Offerer, "structure"),
}


class FormError(Exception):
    """Input the form cannot even hand to the service (not a number, unknown id...)."""


def _parse_moment(value: str, label: str, *, required: bool) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise FormError(f"Indiquez la {label}.")
        return None
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FormError(f"La {label} n'est pas une date valide (jj/mm/aaaa hh:mm).") from None
    if naive.tzinfo is not None or not local_time_exists(naive, STAFF_TIMEZONE):
        raise FormError(f"La {label} n'existe pas à Paris (changement d'heure).")
    return local_to_utc(naive, STAFF_TIMEZONE)


def _parse_decimal(value: str, label: str) -> Decimal | None:
    value = (value or "").strip().replace(",", ".").replace(" ", "")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise FormError(f"Le {label} doit être un nombre.") from None
    # Past ten million, a number is a typo; Decimal arithmetic on "1e999999" would fail, not answer.
    if not number.is_finite() or number.copy_abs() >= 10_000_000:
        raise FormError(f"Le {label} doit être un nombre.")
    return number


def _target(kind: str, raw_id: str):
    if kind not in TARGETS:
        raise FormError("Choisissez une cible : une offre, un lieu ou une structure.")
    model, label = TARGETS[kind]
    raw_id = (raw_id or "").strip()
    if not raw_id.isdigit():
        raise FormError(f"Le numéro de {label} doit être un nombre entier.")
    target = model.objects.filter(pk=int(raw_id)).first()
    if target is None:
        raise FormError(f"Aucune {label} n° {raw_id}." if label != "lieu" else f"Aucun lieu n° {raw_id}.")
    return target


def _create_from_form(user, data) -> CustomReimbursementRule:
    kind = data.get("target_type", "")
    target = _target(kind, data.get("target_id", ""))
    percent = _parse_decimal(data.get("rate_percent", ""), "taux")
    euros = _parse_decimal(data.get("amount_euros", ""), "montant")
    if euros is not None and euros < 0:
        raise FormError("Le montant par place doit être positif ou nul.")
    return create_custom_rule(
        user,
        **{kind: target},
        rate=percent / 100 if percent is not None else None,
        amount_cents=euros_to_cents(euros) if euros is not None else None,
        valid_from=_parse_moment(data.get("valid_from", ""), "date de début", required=True),
        valid_until=_parse_moment(data.get("valid_until", ""), "date de fin", required=False),
        reason=data.get("reason", ""),
    )


def _describe(rule: CustomReimbursementRule, at: dt.datetime) -> dict:
    if rule.offer_id:
        target = f"Offre n° {rule.offer_id} — {rule.offer.name}"
    elif rule.venue_id:
        target = f"Lieu n° {rule.venue_id} — {rule.venue.display_name}"
    else:
        target = f"Structure n° {rule.offerer_id} — {rule.offerer.name}"
    if rule.rate is not None:
        value = f"{(rule.rate * 100).normalize():f} %".replace(".", ",")
    else:
        value = f"{format_euros(rule.amount_cents or 0)} par place"
    ended = rule.valid_until is not None and rule.valid_until <= at
    return {"rule": rule, "target": target, "value": value, "ended": ended}


def _page(request, *, form=None, error=None, status=200):
    at = utcnow()
    rules = [
        _describe(rule, at)
        for rule in CustomReimbursementRule.objects.select_related("offer", "venue", "offerer").order_by(
            "-valid_from", "-id"
        )
    ]
    context = {
        **admin.site.each_context(request),
        "title": "Règles de remboursement dérogatoires",
        "current": [row for row in rules if not row["ended"]],
        "ended": [row for row in rules if row["ended"]],
        "form": form or {},
        "form_error": error,
        "targets": [(key, label) for key, (_, label) in TARGETS.items()],
    }
    return render(request, "backoffice/reimbursement_rules.html", context, status=status)


@staff_member_required(login_url="admin:login")
def rule_list(request):
    return _page(request)


@require_POST
@staff_member_required(login_url="admin:login")
def rule_create(request):
    try:
        rule = _create_from_form(request.user, request.POST)
    except (FormError, DomainError) as error:
        message = error.message if isinstance(error, DomainError) else str(error)
        # The form comes back filled in, with the refusal, so staff fix one field, not all of them.
        return _page(request, form=request.POST, error=message, status=400)
    messages.success(request, f"Règle n° {rule.pk} créée.")
    return redirect("backoffice:reimbursement-rules")


@require_POST
@staff_member_required(login_url="admin:login")
def rule_end(request, rule_id: int):
    try:
        until = _parse_moment(request.POST.get("until", ""), "date de fin", required=False)
        end_custom_rule(request.user, rule_id, until=until)
    except FormError as error:
        messages.error(request, str(error))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Règle n° {rule_id} terminée.")
    return redirect("backoffice:reimbursement-rules")
