"""Reimbursement pricing: how much of each used booking pass Culture pays back (RULES.md "Reimbursement").

Each reimbursable booking is priced once, in a stable order (validation date, then booking id), against
the cumulative revenue of its scope (the venue by default, the offerer with
PASSCULTURE_REIMBURSEMENT_SCOPE = "offerer") in the civil year (Europe/Paris) of its validation. The
rate of the bracket reached *including* the booking applies to the whole booking; custom rules (offer,
then venue, then offerer) come before the scale. See docs/decisions/0013-reimbursement-pricing.md.

Work is done per (scope, year) "group", each in its own transaction holding that group's PricingCounter
row lock: a constant number of queries per group, never one per booking. When a booking arrives (or
leaves) before bookings already priced but not yet in a payment batch, those later ones are re-priced,
so the result never depends on how the runs were split.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.audit import log_action
from passculture.core.common.locking import lock
from passculture.core.common.time import now as utcnow

from .constants import (
    BOOK_CATEGORIES,
    PRICING_TIMEZONE,
    PricingScope,
    PricingStatus,
    ScaleKind,
)
from .exceptions import BookingInPaymentBatch
from .models import CustomReimbursementRule, Pricing, PricingCounter, ReimbursementScale

PARIS = ZoneInfo(PRICING_TIMEZONE)
CENT = Decimal(1)


# --- Pure rules ------------------------------------------------------------------------------------


def pricing_scope() -> str:
    scope = getattr(settings, "PASSCULTURE_REIMBURSEMENT_SCOPE", PricingScope.VENUE)
    if scope not in PricingScope.values:
        raise ValueError(f"PASSCULTURE_REIMBURSEMENT_SCOPE must be one of {PricingScope.values}")
    return str(scope)


def pricing_year(validated_at: dt.datetime) -> int:
    """The civil year in Paris: a booking validated on 31 December at 23:30 UTC counts for the next year."""
    return validated_at.astimezone(PARIS).year


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[1 January 00:00 Paris, next 1 January 00:00 Paris) as aware datetimes."""
    return dt.datetime(year, 1, 1, tzinfo=PARIS), dt.datetime(year + 1, 1, 1, tzinfo=PARIS)


def scale_kind(*, is_digital: bool, category: str) -> ScaleKind:
    if is_digital:
        return ScaleKind.DIGITAL
    if category in BOOK_CATEGORIES:
        return ScaleKind.BOOK
    return ScaleKind.GENERAL


def bracket_for(brackets: list[dict[str, Any]], revenue_after_cents: int) -> tuple[int, Decimal]:
    """The bracket reached by the revenue *including* the booking; its upper bound is inclusive."""
    for index, bracket in enumerate(brackets):
        upper = bracket["up_to_cents"]
        if upper is None or revenue_after_cents <= upper:
            return index, Decimal(bracket["rate"])
    raise ValueError("A scale's last bracket must have no upper bound.")


def apply_rate(amount_cents: int, rate: Decimal) -> int:
    """Half up, to the cent (RULES.md): 95 % of 10.30 EUR is 9.785 -> 9.79 EUR."""
    return int((Decimal(amount_cents) * rate).quantize(CENT, rounding=ROUND_HALF_UP))


class ScaleBook:
    """The scale versions, loaded once per run; picks the version in force on a Paris date."""

    def __init__(self, scales: Iterable[ReimbursementScale]) -> None:
        self.by_kind: dict[str, list[ReimbursementScale]] = defaultdict(list)
        for scale in sorted(scales, key=lambda s: s.valid_from):
            self.by_kind[scale.kind].append(scale)

    @classmethod
    def load(cls) -> "ScaleBook":
        return cls(ReimbursementScale.objects.all())

    def in_force(self, kind: str, day: dt.date) -> ReimbursementScale:
        versions = self.by_kind.get(kind)
        if not versions:
            raise LookupError(f"No reimbursement scale of kind {kind}")
        for scale in versions:
            if scale.valid_from <= day and (scale.valid_until is None or day < scale.valid_until):
                return scale
        # Before the first version (bookings validated before October 2020): the oldest one, rather
        # than leaving the booking unpaid forever.
        return versions[0]


@dataclass(frozen=True)
class Item:
    """What pricing needs of a booking (from the booking row, or from its previous pricing)."""

    booking_id: int
    venue_id: int
    offerer_id: int
    offer_id: int
    validated_at: dt.datetime
    amount_cents: int  # the booking total: unit amount x quantity
    quantity: int
    is_digital: bool
    category: str

    @property
    def key(self) -> tuple[dt.datetime, int]:
        return (self.validated_at, self.booking_id)


class RuleBook:
    """The custom rules that may apply to one group, matched in Python by priority."""

    def __init__(self, rules: Iterable[CustomReimbursementRule]) -> None:
        self.by_target: dict[tuple[str, int], list[CustomReimbursementRule]] = defaultdict(list)
        for rule in rules:
            if rule.offer_id is not None:
                self.by_target[("offer", rule.offer_id)].append(rule)
            elif rule.venue_id is not None:
                self.by_target[("venue", rule.venue_id)].append(rule)
            elif rule.offerer_id is not None:  # the CHECK constraint guarantees exactly one target
                self.by_target[("offerer", rule.offerer_id)].append(rule)

    def find(self, item: Item) -> CustomReimbursementRule | None:
        for target in (("offer", item.offer_id), ("venue", item.venue_id), ("offerer", item.offerer_id)):
            for rule in self.by_target.get(target, ()):
                if rule.valid_from <= item.validated_at and (
                    rule.valid_until is None or item.validated_at < rule.valid_until
                ):
                    return rule
        return None


def price_item(
    item: Item, revenue_before: int, scales: ScaleBook, rules: RuleBook, *, scope: str, year: int
) -> Pricing:
    revenue_after = revenue_before + item.amount_cents
    pricing = Pricing(
        booking_id=item.booking_id,
        venue_id=item.venue_id,
        offerer_id=item.offerer_id,
        scope=scope,
        year=year,
        validated_at=item.validated_at,
        booking_amount_cents=item.amount_cents,
        revenue_before_cents=revenue_before,
        revenue_after_cents=revenue_after,
        status=PricingStatus.PRICED,
    )
    rule = rules.find(item)
    if rule is not None:
        pricing.custom_rule = rule
        if rule.rate is not None:
            pricing.rate = rule.rate
            pricing.reimbursed_cents = apply_rate(item.amount_cents, rule.rate)
        else:
            # A fixed amount per place, never more than what the beneficiary's credit paid.
            pricing.reimbursed_cents = min(int(rule.amount_cents or 0) * item.quantity, item.amount_cents)
        return pricing
    kind = scale_kind(is_digital=item.is_digital, category=item.category)
    scale = scales.in_force(kind, item.validated_at.astimezone(PARIS).date())
    bracket, rate = bracket_for(scale.brackets, revenue_after)
    pricing.scale = scale
    pricing.bracket = bracket
    pricing.rate = rate
    pricing.reimbursed_cents = apply_rate(item.amount_cents, rate)
    return pricing


# --- Database work ---------------------------------------------------------------------------------


def _scope_field(scope: str) -> str:
    return "venue_id" if scope == PricingScope.VENUE else "offerer_id"


def _reimbursable(at: dt.datetime):
    """RULES.md: USED, not cancelled, amount > 0, event started; `at` bounds the validation too."""
    return Booking.objects.filter(
        Q(stock__beginning_datetime__isnull=True) | Q(stock__beginning_datetime__lte=at),
        status=BookingStatus.USED,
        amount_cents__gt=0,
        used_at__lte=at,
        pricing__isnull=True,
    )


def _items(bookings) -> list[Item]:
    rows = bookings.values_list(
        "id",
        "venue_id",
        "offerer_id",
        "offer_id",
        "used_at",
        "amount_cents",
        "quantity",
        "is_digital",
        "offer__category",
    )
    return [
        Item(
            booking_id=row[0],
            venue_id=row[1],
            offerer_id=row[2],
            offer_id=row[3],
            validated_at=row[4],
            amount_cents=row[5] * row[6],
            quantity=row[6],
            is_digital=row[7],
            category=row[8],
        )
        for row in rows
    ]


# PostgreSQL accepts at most 65,535 parameters per statement: a big venue's year of bookings is read by chunks.
IDS_PER_QUERY = 10_000


def _items_of(booking_ids: list[int], **filters: Any) -> list[Item]:
    items: list[Item] = []
    for start in range(0, len(booking_ids), IDS_PER_QUERY):
        chunk = booking_ids[start : start + IDS_PER_QUERY]
        items += _items(Booking.objects.filter(pk__in=chunk, **filters))
    return items


def _lock_counter(scope: str, scope_id: int, year: int) -> PricingCounter:
    # Created on first use; ignore_conflicts so two runs creating it at once both go on to the lock.
    PricingCounter.objects.bulk_create(
        [PricingCounter(scope=scope, scope_id=scope_id, year=year)], ignore_conflicts=True
    )
    return lock(PricingCounter.objects.filter(scope=scope, scope_id=scope_id, year=year)).get()


def _after(key: tuple[dt.datetime, int]) -> Q:
    validated_at, booking_id = key
    return Q(validated_at__gt=validated_at) | Q(validated_at=validated_at, booking_id__gt=booking_id)


REPRICED_FIELDS = [
    "booking_amount_cents",
    "revenue_before_cents",
    "revenue_after_cents",
    "scale",
    "bracket",
    "custom_rule",
    "rate",
    "reimbursed_cents",
]


def _reprice_group(
    counter: PricingCounter,
    new_items: list[Item],
    *,
    from_key: tuple[dt.datetime, int] | None,
    scales: ScaleBook,
) -> list[Pricing]:
    """Prices `new_items` and re-prices the group's PRICED pricings after `from_key` (the earliest
    change), with the counter row locked. PROCESSED pricings are paid or being paid: never touched,
    their revenue stays counted before the re-priced ones.

    Re-priced rows are updated in place, never deleted and re-inserted: inserting a row that references
    a booking takes a key-share lock on that booking, and an undo holding it while waiting for this
    counter would deadlock with us. New pricings only reference bookings the caller already locked."""
    scope, scope_id, year = counter.scope, counter.scope_id, counter.year
    keys = [item.key for item in new_items] + ([from_key] if from_key is not None else [])
    if not keys:
        return []
    in_group = Pricing.objects.filter(**{_scope_field(scope): scope_id}, year=year)
    tail = {
        pricing.booking_id: pricing
        for pricing in in_group.filter(_after(min(keys)), status=PricingStatus.PRICED)
    }
    tail_items = _items_of(list(tail))
    items = sorted(tail_items + new_items, key=lambda item: item.key)
    revenue = counter.revenue_cents - sum(pricing.booking_amount_cents for pricing in tail.values())
    rules = RuleBook(_custom_rules_for(items))
    to_create, to_update = [], []
    for item in items:
        computed = price_item(item, revenue, scales, rules, scope=scope, year=year)
        revenue += item.amount_cents
        existing = tail.get(item.booking_id)
        if existing is None:
            to_create.append(computed)
        else:
            for name in REPRICED_FIELDS:
                setattr(existing, name, getattr(computed, name))
            to_update.append(existing)
    if to_update:
        Pricing.objects.bulk_update(to_update, REPRICED_FIELDS, batch_size=1000)
    Pricing.objects.bulk_create(to_create, batch_size=1000)
    counter.revenue_cents = revenue
    counter.save(update_fields=["revenue_cents"])
    return to_create + to_update


def _custom_rules_for(items: list[Item]) -> list[CustomReimbursementRule]:
    if not items:
        return []
    first = min(item.validated_at for item in items)
    last = max(item.validated_at for item in items)
    return list(
        CustomReimbursementRule.objects.filter(
            # By venue rather than by offer id: a group is one venue (or one offerer's few venues),
            # while its offers may be thousands.
            Q(offer__venue_id__in={item.venue_id for item in items})
            | Q(venue_id__in={item.venue_id for item in items})
            | Q(offerer_id__in={item.offerer_id for item in items}),
            Q(valid_until__isnull=True) | Q(valid_until__gt=first),
            valid_from__lte=last,
        ).order_by("-valid_from", "-id")
    )


def price_bookings(at: dt.datetime | None = None) -> dict:
    """Prices every reimbursable booking not priced yet. Idempotent; safe to run concurrently (the
    second run waits on each group's counter lock, then finds nothing left to price there)."""
    at = at or utcnow()
    scope = pricing_scope()
    field = _scope_field(scope)
    groups: set[tuple[int, int]] = set()
    for scope_id, used_at in _reimbursable(at).values_list(field, "used_at"):
        groups.add((scope_id, pricing_year(used_at)))
    scales = ScaleBook.load()
    priced = repriced = 0
    for scope_id, year in sorted(groups):
        start, end = year_bounds(year)
        group = _reimbursable(at).filter(**{field: scope_id}, used_at__gte=start, used_at__lt=end)
        with transaction.atomic():
            # Lock order as in the bookings services: the bookings first (by id), then the counter.
            # Locked, none of them can be un-validated or cancelled until we commit.
            booking_ids = list(lock(group).order_by("id").values_list("id", flat=True))
            if not booking_ids:
                continue
            counter = _lock_counter(scope, scope_id, year)
            # Read again under the counter lock: another run may have priced some of them meanwhile.
            new_items = _items_of(booking_ids, status=BookingStatus.USED, pricing__isnull=True)
            pricings = _reprice_group(counter, new_items, from_key=None, scales=scales)
        priced += len(new_items)
        repriced += len(pricings) - len(new_items)
    return {"priced": priced, "repriced": repriced, "groups": len(groups)}


def unprice_booking(booking: Booking) -> Pricing | None:
    """Called by the bookings services when a USED booking is un-validated or cancelled, inside their
    transaction and after their own locks (stock -> booking -> deposit, then this counter). Deletes its
    pricing and re-prices the later ones of the same scope and year; refuses once it is in a batch."""
    if booking.used_at is None:
        return None
    scope = pricing_scope()
    scope_id = booking.venue_id if scope == PricingScope.VENUE else booking.offerer_id
    # Always the counter lock, priced or not: a concurrent price_bookings then either has committed
    # the pricing (found below) or re-reads the booking once we commit (no longer USED).
    counter = _lock_counter(scope, scope_id, pricing_year(booking.used_at))
    pricing = Pricing.objects.filter(booking_id=booking.pk).first()
    if pricing is None:
        return None
    if pricing.status != PricingStatus.PRICED:
        raise BookingInPaymentBatch()
    if (pricing.scope, pricing.year) != (counter.scope, counter.year):
        # Priced under another scope setting: its own counter holds its revenue.
        other_id = pricing.venue_id if pricing.scope == PricingScope.VENUE else pricing.offerer_id
        counter = _lock_counter(pricing.scope, other_id, pricing.year)
    pricing.delete()
    counter.revenue_cents -= pricing.booking_amount_cents
    _reprice_group(counter, [], from_key=(pricing.validated_at, pricing.booking_id), scales=ScaleBook.load())
    log_action(
        "pricing.deleted",
        target=booking,
        data={"reimbursed_cents": pricing.reimbursed_cents, "year": pricing.year},
    )
    return pricing
