"""Reimbursement pricing: how much of each used booking pass Culture pays back (RULES.md "Reimbursement").

Each reimbursable booking is priced once, in a stable order (validation date, then booking id), against
the cumulative revenue of its scope (the venue by default, the offerer with
PASSCULTURE_REIMBURSEMENT_SCOPE = "offerer") in the civil year (Europe/Paris) of its validation. The
rate of the bracket reached *including* the booking applies to the whole booking; custom rules (offer,
then venue, then offerer) come before the scale. See docs/decisions/0013-reimbursement-pricing.md.

Work is done per (scope, year) "group", under that group's PricingCounter row lock, by transactions of
many groups: a constant number of queries per transaction, never one per booking (COPY on PostgreSQL). When a booking arrives (or
leaves) before bookings already priced but not yet in a payment batch, those later ones are re-priced,
so the result never depends on how the runs were split.
"""

import datetime as dt
import functools
import multiprocessing
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.audit import log_action
from passculture.core.common.bulk import ANALYZE_AFTER_ROWS, analyze, insert_rows, stream_values
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


def scale_kind(*, is_digital: bool, category: str) -> ScaleKind:
    if is_digital:
        return ScaleKind.DIGITAL
    if category in BOOK_CATEGORIES:
        return ScaleKind.BOOK
    return ScaleKind.GENERAL


Brackets = list[tuple[int | None, Decimal]]


def parse_brackets(brackets: list[dict[str, Any]]) -> Brackets:
    return [(bracket["up_to_cents"], Decimal(bracket["rate"])) for bracket in brackets]


def bracket_for(brackets: list[dict[str, Any]], revenue_after_cents: int) -> tuple[int, Decimal]:
    """The bracket reached by the revenue *including* the booking; its upper bound is inclusive."""
    return find_bracket(parse_brackets(brackets), revenue_after_cents)


def find_bracket(brackets: Brackets, revenue_after_cents: int) -> tuple[int, Decimal]:
    for index, (upper, rate) in enumerate(brackets):
        if upper is None or revenue_after_cents <= upper:
            return index, rate
    raise ValueError("A scale's last bracket must have no upper bound.")


@functools.lru_cache(maxsize=1 << 16)  # a few prices x a few rates: pricing a year hits it every time
def apply_rate(amount_cents: int, rate: Decimal) -> int:
    """Half up, to the cent (RULES.md): 95 % of 10.30 EUR is 9.785 -> 9.79 EUR."""
    return int((Decimal(amount_cents) * rate).quantize(CENT, rounding=ROUND_HALF_UP))


class ScaleBook:
    """The scale versions, loaded once per run; picks the version in force on a Paris date."""

    def __init__(self, scales: Iterable[ReimbursementScale]) -> None:
        self.by_kind: dict[str, list[ReimbursementScale]] = defaultdict(list)
        self.brackets: dict[int, Brackets] = {}
        self._in_force: dict[tuple[str, dt.date], ReimbursementScale] = {}
        for scale in sorted(scales, key=lambda s: s.valid_from):
            self.by_kind[scale.kind].append(scale)
            self.brackets[scale.pk] = parse_brackets(scale.brackets)

    @classmethod
    def load(cls) -> "ScaleBook":
        return cls(ReimbursementScale.objects.all())

    def in_force(self, kind: str, day: dt.date) -> ReimbursementScale:
        found = self._in_force.get((kind, day))
        if found is None:
            found = self._in_force[(kind, day)] = self._version(kind, day)
        return found

    def _version(self, kind: str, day: dt.date) -> ReimbursementScale:
        versions = self.by_kind.get(kind)
        if not versions:
            raise LookupError(f"No reimbursement scale of kind {kind}")
        for scale in versions:
            if scale.valid_from <= day and (scale.valid_until is None or day < scale.valid_until):
                return scale
        # Before the first version (bookings validated before October 2020): the oldest one, rather
        # than leaving the booking unpaid forever.
        return versions[0]


class Item(NamedTuple):
    """What pricing needs of a booking (from the booking row, or from its previous pricing). A named
    tuple: a year of bookings is a million of them, built several times faster than a dataclass."""

    booking_id: int
    venue_id: int
    offerer_id: int
    offer_id: int
    validated_at: dt.datetime
    amount_cents: int  # the booking total: unit amount x quantity
    quantity: int
    is_digital: bool
    category: str
    event_at: dt.datetime | None  # the showtime's start; None for a thing
    day: dt.date  # the validation day in Paris: it picks the scale version and the year

    @property
    def key(self) -> tuple[dt.datetime, int]:
        return (self.validated_at, self.booking_id)

    @property
    def year(self) -> int:
        return self.day.year


# `Item.key` in C: sorting a year of items calls it a million times.
ITEM_ORDER = operator.attrgetter("validated_at", "booking_id")


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
        if not self.by_target:  # most groups have no custom rule
            return None
        for target in (("offer", item.offer_id), ("venue", item.venue_id), ("offerer", item.offerer_id)):
            for rule in self.by_target.get(target, ()):
                if rule.valid_from <= item.validated_at and (
                    rule.valid_until is None or item.validated_at < rule.valid_until
                ):
                    return rule
        return None


class Priced(NamedTuple):
    """What pricing decides for one booking, given the revenue counted before it."""

    revenue_before_cents: int
    revenue_after_cents: int
    scale_id: int | None
    bracket: int | None
    custom_rule_id: int | None
    rate: Decimal | None
    reimbursed_cents: int


def price_item(item: Item, revenue_before: int, scales: ScaleBook, rules: RuleBook) -> Priced:
    revenue_after = revenue_before + item.amount_cents
    rule = rules.find(item)
    if rule is not None:
        if rule.rate is not None:
            reimbursed = apply_rate(item.amount_cents, rule.rate)
        else:
            # A fixed amount per place, never more than what the beneficiary's credit paid.
            reimbursed = min(int(rule.amount_cents or 0) * item.quantity, item.amount_cents)
        return Priced(revenue_before, revenue_after, None, None, rule.pk, rule.rate, reimbursed)
    kind = scale_kind(is_digital=item.is_digital, category=item.category)
    scale = scales.in_force(kind, item.day)
    bracket, rate = find_bracket(scales.brackets[scale.pk], revenue_after)
    return Priced(
        revenue_before, revenue_after, scale.pk, bracket, None, rate, apply_rate(item.amount_cents, rate)
    )


# --- Database work ---------------------------------------------------------------------------------


def _scope_field(scope: str) -> str:
    return "venue_id" if scope == PricingScope.VENUE else "offerer_id"


def _reimbursable(at: dt.datetime, **scope: Any) -> QuerySet[Booking]:
    """RULES.md: USED, not cancelled, amount > 0, event started; `at` bounds the validation too. Not
    priced yet: NOT EXISTS on the pricings of the same `scope` filter (`venue_id__in=...`; a pricing
    has its booking's venue and offerer), so that PostgreSQL reads only these venues' pricings rather
    than hashing the whole table, every year's, at each call."""
    return Booking.objects.filter(
        Q(stock__beginning_datetime__isnull=True) | Q(stock__beginning_datetime__lte=at),
        ~Exists(Pricing.objects.filter(booking_id=OuterRef("pk"), **scope)),
        status=BookingStatus.USED,
        amount_cents__gt=0,
        used_at__lte=at,
        **scope,
    ).order_by()


ROWS_PER_FETCH = 10_000


def _items(bookings) -> list[Item]:
    rows = stream_values(
        bookings.values_list(
            "id",
            "venue_id",
            "offerer_id",
            "offer_id",
            "used_at",
            "amount_cents",
            "quantity",
            "is_digital",
            "offer__category",
            "stock__beginning_datetime",
        ),
        ROWS_PER_FETCH,
    )
    return [
        Item(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5] * row[6],
            row[6],
            row[7],
            row[8],
            row[9],
            row[4].astimezone(PARIS).date(),
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


GroupKey = tuple[int, int]  # (scope id, year)


def lock_counters(
    scope: str, keys: Iterable[GroupKey], *, create: bool = True
) -> dict[GroupKey, PricingCounter]:
    """Locks the counters of `keys`, creating the missing ones first (ignore_conflicts, so two runs
    creating one at once both go on to the lock). The one lock order everywhere (pricing, un-pricing,
    batches): year, then scope id. See docs/decisions/0013 for the bookings' locks."""
    keys = sorted(set(keys), key=lambda key: (key[1], key[0]))
    if create and keys:
        PricingCounter.objects.bulk_create(
            [PricingCounter(scope=scope, scope_id=scope_id, year=year) for scope_id, year in keys],
            ignore_conflicts=True,
            batch_size=1000,
        )
    ids_by_year: dict[int, list[int]] = defaultdict(list)
    for scope_id, year in keys:
        ids_by_year[year].append(scope_id)
    counters: dict[GroupKey, PricingCounter] = {}
    for year, scope_ids in sorted(ids_by_year.items()):
        # Literal ids (a venue count, not a booking count), by chunks under PostgreSQL's parameter cap.
        for start in range(0, len(scope_ids), IDS_PER_QUERY):
            chunk = scope_ids[start : start + IDS_PER_QUERY]
            locked = lock(PricingCounter.objects.filter(scope=scope, year=year, scope_id__in=chunk))
            for counter in locked.order_by("scope_id"):
                counters[(counter.scope_id, counter.year)] = counter
    return counters


# What price_item decides, in the order of `Priced` (model field names).
PRICED_FIELDS = (
    "revenue_before_cents",
    "revenue_after_cents",
    "scale",
    "bracket",
    "custom_rule",
    "rate",
    "reimbursed_cents",
)
REPRICED_FIELDS = ["booking_amount_cents", *PRICED_FIELDS]
# A new pricing row, in the order `_price_groups` builds it.
NEW_PRICING_FIELDS = (
    "booking",
    "venue",
    "offerer",
    "scope",
    "year",
    "validated_at",
    "event_at",
    "booking_amount_cents",
    *PRICED_FIELDS,
    "status",
    "created_at",
)


@dataclass
class Group:
    """One (scope, year) to price: its locked counter, the bookings to price, and the key of a
    pricing removed from it (un-pricing), whichever comes first being where re-pricing starts."""

    counter: PricingCounter
    new_items: list[Item] = field(default_factory=list)
    removed_key: tuple[dt.datetime, int] | None = None

    @property
    def start(self) -> tuple[dt.datetime, int] | None:
        keys = [ITEM_ORDER(item) for item in self.new_items] + (
            [self.removed_key] if self.removed_key else []
        )
        return min(keys) if keys else None


def _tails(scope: str, groups: dict[GroupKey, Group]) -> dict[GroupKey, dict[int, Pricing]]:
    """Per group, its PRICED pricings after its start: they are priced again, in place. PROCESSED
    pricings are paid or being paid: never touched, their revenue stays counted before the others.
    One query for all the groups (the unpaid pricings of a venue are a fortnight's, not a year's)."""
    starts = {key: first for key, group in groups.items() if (first := group.start) is not None}
    if not starts:
        return {}
    field_name = _scope_field(scope)
    scope_ids = sorted({scope_id for scope_id, _ in starts})
    tails: dict[GroupKey, dict[int, Pricing]] = defaultdict(dict)
    for start in range(0, len(scope_ids), IDS_PER_QUERY):
        candidates = Pricing.objects.filter(
            **{f"{field_name}__in": scope_ids[start : start + IDS_PER_QUERY]},
            scope=scope,  # the counter of a scope counts only the pricings made under it
            year__in={year for _, year in starts},
            validated_at__gte=min(key[0] for key in starts.values()),
            status=PricingStatus.PRICED,
        )
        for pricing in candidates:
            key = (getattr(pricing, field_name), pricing.year)
            if key in starts and (pricing.validated_at, pricing.booking_id) > starts[key]:
                tails[key][pricing.booking_id] = pricing
    return tails


def _price_groups(scope: str, groups: dict[GroupKey, Group], scales: ScaleBook) -> tuple[int, int]:
    """Prices each group's new bookings and re-prices its PRICED pricings after its start, in the
    stable order, with every counter already locked. A constant number of queries for all the groups:
    new pricings are streamed in (COPY on PostgreSQL), re-priced ones updated in place.

    Neither writing nor re-pricing a row locks its booking: the key has no database constraint, so an
    undo holding a booking while it waits for a counter we hold never waits on us in return."""
    tails = _tails(scope, groups)
    tail_items = {item.booking_id: item for item in _items_of([b for tail in tails.values() for b in tail])}
    every_item = [item for group in groups.values() for item in group.new_items] + list(tail_items.values())
    rules = RuleBook(_custom_rules_for(every_item))
    created_at = utcnow()
    new_rows: list[tuple] = []
    updated: list[Pricing] = []
    changed_counters: list[PricingCounter] = []
    for (scope_id, year), group in groups.items():
        tail = tails.get((scope_id, year), {})
        if not group.new_items and not tail and group.removed_key is None:
            continue
        items = sorted([tail_items[booking_id] for booking_id in tail] + group.new_items, key=ITEM_ORDER)
        revenue = group.counter.revenue_cents - sum(pricing.booking_amount_cents for pricing in tail.values())
        for item in items:
            priced = price_item(item, revenue, scales, rules)
            revenue = priced.revenue_after_cents
            existing = tail.get(item.booking_id)
            if existing is None:
                new_rows.append(
                    (
                        item.booking_id,
                        item.venue_id,
                        item.offerer_id,
                        scope,
                        year,
                        item.validated_at,
                        item.event_at,
                        item.amount_cents,
                        *priced,
                        PricingStatus.PRICED.value,
                        created_at,
                    )
                )
            else:
                existing.booking_amount_cents = item.amount_cents
                (
                    existing.revenue_before_cents,
                    existing.revenue_after_cents,
                    existing.scale_id,
                    existing.bracket,
                    existing.custom_rule_id,
                    existing.rate,
                    existing.reimbursed_cents,
                ) = priced
                updated.append(existing)
        group.counter.revenue_cents = revenue
        changed_counters.append(group.counter)
    if updated:
        Pricing.objects.bulk_update(updated, REPRICED_FIELDS, batch_size=1000)
    insert_rows(Pricing, NEW_PRICING_FIELDS, new_rows)
    PricingCounter.objects.bulk_update(changed_counters, ["revenue_cents"], batch_size=1000)
    return len(new_rows), len(updated)


def _custom_rules_for(items: list[Item]) -> list[CustomReimbursementRule]:
    if not items:
        return []
    first = min(item.validated_at for item in items)
    last = max(item.validated_at for item in items)
    venue_ids = {item.venue_id for item in items}
    offerer_ids = {item.offerer_id for item in items}
    rules: list[CustomReimbursementRule] = []
    for start in range(0, max(len(venue_ids), len(offerer_ids)), IDS_PER_QUERY):
        some_venues = sorted(venue_ids)[start : start + IDS_PER_QUERY]
        some_offerers = sorted(offerer_ids)[start : start + IDS_PER_QUERY]
        rules += CustomReimbursementRule.objects.filter(
            # By venue rather than by offer id: a group is one venue (or one offerer's few venues),
            # while its offers may be thousands.
            Q(offer__venue_id__in=some_venues)
            | Q(venue_id__in=some_venues)
            | Q(offerer_id__in=some_offerers),
            Q(valid_until__isnull=True) | Q(valid_until__gt=first),
            valid_from__lte=last,
        )
    # Newest first: RuleBook keeps the first match of a target.
    return sorted(
        {rule.pk: rule for rule in rules}.values(), key=lambda rule: (rule.valid_from, rule.pk), reverse=True
    )


# Bookings priced per transaction: many small venues share one, a big venue has its own. Bounds the
# memory of a run and how long its locks are held.
BOOKINGS_PER_TRANSACTION = 50_000


def _group_sizes(at: dt.datetime, field_name: str) -> dict[GroupKey, int]:
    """(scope id, Paris year) -> bookings to price there, counted by the database."""
    rows = (
        _reimbursable(at)
        .order_by()
        .annotate(paris_year=ExtractYear("used_at", tzinfo=PARIS))
        .values_list(field_name, "paris_year")
        .annotate(count=Count("id"))
    )
    return {(scope_id, year): count for scope_id, year, count in rows}


def _transactions(sizes: dict[GroupKey, int]) -> Iterator[list[int]]:
    """Scope ids, all years of a scope together, in chunks of about BOOKINGS_PER_TRANSACTION."""
    per_scope: dict[int, int] = defaultdict(int)
    for (scope_id, _), count in sizes.items():
        per_scope[scope_id] += count
    chunk: list[int] = []
    total = 0
    for scope_id, count in sorted(per_scope.items()):
        if chunk and (total + count > BOOKINGS_PER_TRANSACTION or len(chunk) >= IDS_PER_QUERY):
            yield chunk
            chunk, total = [], 0
        chunk.append(scope_id)
        total += count
    if chunk:
        yield chunk


def price_bookings(at: dt.datetime | None = None, *, workers: int | None = None) -> dict:
    """Prices every reimbursable booking not priced yet. Idempotent; safe to run concurrently (the
    second run waits on the locks, then finds nothing left to price there).

    With `workers` (default: the PASSCULTURE_PRICING_WORKERS setting) > 1 on PostgreSQL, outside any
    transaction, that many processes share the work, each the venues (or
    offerers) whose id falls in its shard: their groups are disjoint, so they never wait for each
    other, and the database and Python work of one overlap with the other's."""
    at = at or utcnow()
    workers = workers or int(getattr(settings, "PASSCULTURE_PRICING_WORKERS", 1))
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        result = _price_in_processes(at, workers)
    else:
        result = _price(at, shard=None)
    if result["priced"] + result["repriced"] >= ANALYZE_AFTER_ROWS and not connection.in_atomic_block:
        analyze(Pricing)  # the batch that follows selects these rows venue by venue
    return result


def _price(at: dt.datetime, shard: tuple[int, int] | None) -> dict:
    scope = pricing_scope()
    field_name = _scope_field(scope)
    sizes = {
        key: count
        for key, count in _group_sizes(at, field_name).items()
        if shard is None or key[0] % shard[1] == shard[0]
    }
    scales = ScaleBook.load()
    priced = repriced = 0
    for scope_ids in _transactions(sizes):
        bookings = _reimbursable(at, **{f"{field_name}__in": scope_ids})
        chosen = set(scope_ids)
        with transaction.atomic():
            # The counters first: a concurrent run waits here, then finds what we priced (NOT EXISTS,
            # in the new snapshot of the next query). The bookings are read without a lock: whatever
            # changes a used booking's pricing (un-validating, cancelling) takes its counter before
            # looking for its pricing (`unprice_booking`), so an undo in flight waits for our commit and
            # then removes what we priced, and one committed before our counter lock is seen here. No
            # lock is taken on a booking at commit either: the pricing's key to it has no database
            # constraint (decision 0013), so an undo holding a booking never waits on us while we wait
            # on it.
            counters = lock_counters(scope, [key for key in sizes if key[0] in chosen])
            items = _items(bookings.order_by("id"))
            groups = {key: Group(counter) for key, counter in counters.items()}
            for item in items:
                key = (item.venue_id if scope == PricingScope.VENUE else item.offerer_id, item.year)
                # Validated since the count, into a year that had none: the next run prices it
                # (locking its counter now would break the lock order).
                if key in groups:
                    groups[key].new_items.append(item)
            created, updated = _price_groups(scope, groups, scales)
        priced += created
        repriced += updated
    return {"priced": priced, "repriced": repriced, "groups": len(sizes)}


def _price_shard(at: dt.datetime, shard: tuple[int, int]) -> dict:
    """One worker process: its own database connection (the parent's were closed before forking)."""
    connections.close_all()
    try:
        return _price(at, shard)
    finally:
        connections.close_all()


def _price_in_processes(at: dt.datetime, workers: int) -> dict:
    connections.close_all()  # a forked child must never share the parent's sockets
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.starmap(_price_shard, [(at, (number, workers)) for number in range(workers)])
    return {
        "priced": sum(result["priced"] for result in results),
        "repriced": sum(result["repriced"] for result in results),
        "groups": sum(result["groups"] for result in results),
    }


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
    year = pricing_year(booking.used_at)
    counter = lock_counters(scope, [(scope_id, year)])[(scope_id, year)]
    pricing = Pricing.objects.filter(booking_id=booking.pk).first()
    if pricing is None:
        return None
    if pricing.status != PricingStatus.PRICED:
        raise BookingInPaymentBatch()
    if (pricing.scope, pricing.year) != (counter.scope, counter.year):
        # Priced under another scope setting: its own counter holds its revenue.
        other_id = pricing.venue_id if pricing.scope == PricingScope.VENUE else pricing.offerer_id
        counter = lock_counters(pricing.scope, [(other_id, pricing.year)])[(other_id, pricing.year)]
    pricing.delete()
    counter.revenue_cents -= pricing.booking_amount_cents
    group = Group(counter, removed_key=(pricing.validated_at, pricing.booking_id))
    _price_groups(counter.scope, {(counter.scope_id, counter.year): group}, ScaleBook.load())
    log_action(
        "pricing.deleted",
        target=booking,
        data={"reimbursed_cents": pricing.reimbursed_cents, "year": pricing.year},
    )
    return pricing
