"""Custom reimbursement rules: staff exceptions to the scale for one offer, venue or offerer.

Decisions (docs/decisions/0013-reimbursement-pricing.md):
- a rule has either a rate (0 to 100 %, of the booking total) or a fixed amount per place (capped at
  the booking total when applied);
- its period starts now or later and ends (exclusive) when staff end it: pricing is done once, so a
  rule that reached into the past would silently disagree with bookings already priced;
- two rules on the same target may not overlap (priority offer > venue > offerer is between targets).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import PermissionDenied
from passculture.core.common.locking import lock
from passculture.core.common.text import check_text
from passculture.core.common.time import check_input_date
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.models import Offerer, Venue
from passculture.core.offers.constants import MAX_PRICE_CENTS
from passculture.core.offers.models import Offer

from .constants import RATE_DECIMAL_PLACES
from .exceptions import CustomRuleAlreadyEnded, CustomRuleInvalid, CustomRuleNotFound, CustomRuleOverlap
from .models import CustomReimbursementRule

REASON_MAX_LENGTH = 500


def _check_staff(actor) -> None:
    if actor is None or not (actor.is_active and actor.is_staff):
        raise PermissionDenied("Seule l'équipe pass Culture peut gérer les règles de remboursement.")


def _clean_rate(rate: Decimal | str | int | float | None) -> Decimal | None:
    if rate is None or rate == "":
        return None
    try:
        value = Decimal(str(rate))
    except InvalidOperation:
        raise CustomRuleInvalid("Le taux doit être un nombre entre 0 et 1 (par exemple 0.95).") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise CustomRuleInvalid("Le taux doit être compris entre 0 et 1 (0 % à 100 %).")
    if value != value.quantize(Decimal(1).scaleb(-RATE_DECIMAL_PLACES)):
        raise CustomRuleInvalid("Le taux a au plus 4 décimales (par exemple 0.9250 pour 92,5 %).")
    return value


def _overlapping(rule: CustomReimbursementRule):
    target = {"offer_id": rule.offer_id, "venue_id": rule.venue_id, "offerer_id": rule.offerer_id}
    others = CustomReimbursementRule.objects.filter(**target).exclude(pk=rule.pk)
    others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=rule.valid_from))
    if rule.valid_until is not None:
        others = others.filter(valid_from__lt=rule.valid_until)
    return others


@transaction.atomic
def create_custom_rule(
    actor,
    *,
    offer: Offer | None = None,
    venue: Venue | None = None,
    offerer: Offerer | None = None,
    rate: Decimal | str | None = None,
    amount_cents: int | None = None,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> CustomReimbursementRule:
    _check_staff(actor)
    at = at or utcnow()
    targets = [target for target in (offer, venue, offerer) if target is not None]
    if len(targets) != 1:
        raise CustomRuleInvalid("Choisissez une seule cible : une offre, un lieu ou une structure.")
    clean_rate = _clean_rate(rate)
    if (clean_rate is None) == (amount_cents is None):
        raise CustomRuleInvalid("Indiquez soit un taux, soit un montant fixe par place (pas les deux).")
    if amount_cents is not None and (
        not isinstance(amount_cents, int) or not 0 <= amount_cents <= MAX_PRICE_CENTS
    ):
        raise CustomRuleInvalid("Le montant par place doit être compris entre 0 et 1 000 €.")
    check_input_date(valid_from)
    if valid_until is not None:
        check_input_date(valid_until)
    if valid_from < at:
        raise CustomRuleInvalid(
            "La règle ne peut pas commencer dans le passé : les réservations déjà valorisées ne changent pas."
        )
    if valid_until is not None and valid_until <= valid_from:
        raise CustomRuleInvalid("La date de fin doit être après la date de début.")
    reason = check_text((reason or "").strip(), multiline=True)
    if len(reason) > REASON_MAX_LENGTH:
        raise CustomRuleInvalid(f"Le motif fait au plus {REASON_MAX_LENGTH} caractères.")
    # The target's row serialises two staff creating rules on it at once (the overlap check below).
    target = targets[0]
    lock(type(target).objects.filter(pk=target.pk)).get()
    rule = CustomReimbursementRule(
        offer=offer,
        venue=venue,
        offerer=offerer,
        rate=clean_rate,
        amount_cents=amount_cents,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
        created_by=actor,
    )
    if _overlapping(rule).exists():
        raise CustomRuleOverlap()
    rule.save()
    log_action(
        "reimbursement_rule.created",
        actor=actor,
        target=rule,
        data={
            "target": f"{type(target).__name__.lower()}:{target.pk}",
            "rate": str(clean_rate) if clean_rate is not None else None,
            "amount_cents": amount_cents,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return rule


@transaction.atomic
def end_custom_rule(
    actor, rule_id: int, *, until: dt.datetime | None = None, at: dt.datetime | None = None
) -> CustomReimbursementRule:
    """Ends a rule at `until` (default: now). Not before now, for the same reason a rule cannot start
    in the past. A rule ended before its start is withdrawn (deleted: it never priced anything)."""
    _check_staff(actor)
    at = at or utcnow()
    until = until or at
    check_input_date(until)
    rule = lock(CustomReimbursementRule.objects.filter(pk=rule_id)).first()
    if rule is None:
        raise CustomRuleNotFound()
    if until < at:
        raise CustomRuleInvalid("La date de fin ne peut pas être dans le passé.")
    if rule.valid_until is not None and rule.valid_until <= until:
        raise CustomRuleAlreadyEnded()
    previous = rule.valid_until
    if until <= rule.valid_from:
        # Ended before it starts: it never applied to anything, so it goes (the audit log keeps it).
        log_action(
            "reimbursement_rule.withdrawn",
            actor=actor,
            target=rule,
            data={"valid_from": rule.valid_from.isoformat()},
        )
        rule.delete()
        rule.valid_until = rule.valid_from
        return rule
    rule.valid_until = until
    rule.save(update_fields=["valid_until"])
    log_action(
        "reimbursement_rule.ended",
        actor=actor,
        target=rule,
        data={
            "valid_until": until.isoformat(),
            "previous_valid_until": previous.isoformat() if previous else None,
        },
    )
    return rule
