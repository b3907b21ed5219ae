from django.conf import settings
from django.db import models
from django.db.models import Q

from .constants import (
    HOLDER_MAX_LENGTH,
    PAYMENT_ERROR_REASON_MAX_LENGTH,
    RATE_DECIMAL_PLACES,
    RATE_MAX_DIGITS,
    REJECTION_REASON_MAX_LENGTH,
    BankAccountStatus,
    PaymentBatchStatus,
    PaymentLineStatus,
    PricingScope,
    PricingStatus,
    ScaleKind,
)

IBAN_REGEX = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"
BIC_REGEX = r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"
SUBMITTED = (BankAccountStatus.PENDING, BankAccountStatus.ACCEPTED, BankAccountStatus.REJECTED)
DECIDED = (BankAccountStatus.ACCEPTED, BankAccountStatus.REJECTED)


class BankAccount(models.Model):
    """The bank details (RIB) of one venue. Each venue has at most one current account
    (`archived_at` is null); replaced accounts stay as history with the status they had, so staff see
    what changed and payment statements keep pointing at the account that was really paid.
    See docs/decisions/0004-bank-accounts.md."""

    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.PROTECT, related_name="bank_accounts", verbose_name="lieu"
    )
    holder = models.CharField("titulaire", max_length=HOLDER_MAX_LENGTH)
    iban = models.CharField("IBAN", max_length=34, help_text="Sans espaces, en majuscules")
    bic = models.CharField("BIC", max_length=11, blank=True)
    status = models.CharField(
        max_length=16,
        choices=BankAccountStatus.choices,
        default=BankAccountStatus.DRAFT,
        db_index=True,
        verbose_name="état",
    )
    rejection_reason = models.TextField("motif du refus", max_length=REJECTION_REASON_MAX_LENGTH, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name="soumises le")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="décidées le")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décidées par",
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, help_text="Remplacées par d'autres coordonnées", verbose_name="archivées le"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créées le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifiées le")

    class Meta:
        verbose_name = "coordonnées bancaires"
        verbose_name_plural = "coordonnées bancaires"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue"],
                condition=Q(archived_at__isnull=True),
                name="bank_account_one_current_per_venue",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BankAccountStatus.values), name="bank_account_status_valid"
            ),
            models.CheckConstraint(condition=Q(iban__regex=IBAN_REGEX), name="bank_account_iban_compact"),
            models.CheckConstraint(
                condition=Q(bic="") | Q(bic__regex=BIC_REGEX), name="bank_account_bic_format"
            ),
            models.CheckConstraint(condition=~Q(holder=""), name="bank_account_holder_not_empty"),
            # What staff look at or pay is complete.
            models.CheckConstraint(
                condition=Q(status=BankAccountStatus.DRAFT) | (Q(submitted_at__isnull=False) & ~Q(bic="")),
                name="bank_account_submitted_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED) | Q(decided_at__isnull=False),
                name="bank_account_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(status=BankAccountStatus.REJECTED) | ~Q(rejection_reason=""),
                name="bank_account_rejection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.masked_iban} ({self.get_status_display()})"

    @property
    def masked_iban(self) -> str:
        from .validation import mask_iban

        return mask_iban(self.iban)

    @property
    def formatted_iban(self) -> str:
        from .validation import format_iban

        return format_iban(self.iban)

    @property
    def is_current(self) -> bool:
        return self.archived_at is None

    @property
    def is_accepted(self) -> bool:
        return self.status == BankAccountStatus.ACCEPTED


# --- Reimbursement pricing -------------------------------------------------------------------------


class ReimbursementScale(models.Model):
    """One dated version of a scale (RULES.md "Reimbursement"), seeded by a data migration.

    `brackets` is a list of {"up_to_cents": int | None, "rate": "0.95"} in increasing order; the last
    bracket has no upper bound. "Up to" is inclusive: a yearly revenue of exactly 20,000.00 EUR is still
    in the 100 % bracket. The version in force on a booking's validation day (Paris) applies;
    `valid_until` is exclusive."""

    code = models.CharField(max_length=50, unique=True)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ScaleKind.choices)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    brackets = models.JSONField()

    class Meta:
        verbose_name = "barème de remboursement"
        ordering = ["kind", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ScaleKind.values), name="scale_kind_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="scale_period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CustomReimbursementRule(models.Model):
    """A staff exception to the scale for one offer, venue or offerer, over a period.

    Either a `rate` (of the booking total) or a fixed `amount_cents` per place (times the quantity,
    capped at the booking total: pass Culture never pays more than what was booked). Priority
    offer > venue > offerer > scale. `valid_until` is exclusive; ending a rule sets it."""

    offer = models.ForeignKey(
        "offers.Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    venue = models.ForeignKey(
        "offerers.Venue", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    offerer = models.ForeignKey(
        "offerers.Offerer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rate = models.DecimalField(
        max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    amount_cents = models.PositiveIntegerField(null=True, blank=True, help_text="Par place")
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField("motif", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "règle de remboursement dérogatoire"
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offer__isnull=False, venue__isnull=True, offerer__isnull=True)
                | Q(offer__isnull=True, venue__isnull=False, offerer__isnull=True)
                | Q(offer__isnull=True, venue__isnull=True, offerer__isnull=False),
                name="custom_rule_one_target",
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=False, amount_cents__isnull=True, rate__gte=0, rate__lte=1)
                | Q(rate__isnull=True, amount_cents__isnull=False),
                name="custom_rule_rate_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="custom_rule_period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"Règle {self.pk}"


class PricingCounter(models.Model):
    """The cumulative reimbursable revenue of one scope (venue or offerer) in one civil year (Paris).

    Its row is the lock that serialises pricing of that scope and year: price_bookings, un-pricing and
    re-pricing take it with SELECT ... FOR UPDATE (after the booking locks, see docs/decisions/0001)."""

    scope = models.CharField(max_length=16, choices=PricingScope.choices)
    scope_id = models.PositiveBigIntegerField()
    year = models.PositiveSmallIntegerField()
    revenue_cents = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id", "year"], name="pricing_counter_unique"),
            models.CheckConstraint(condition=Q(revenue_cents__gte=0), name="pricing_counter_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.scope_id} {self.year}: {self.revenue_cents}"


class Pricing(models.Model):
    """How one booking is reimbursed: one row per priced booking, computed once in a stable order
    (validation date, then booking id) against the scope's revenue of the year."""

    # No database constraint (its unique index stays): checking it takes a key-share lock on each of a
    # year's bookings at commit, a sixth of the pricing time, and would make an undo holding a booking
    # wait on pricing while pricing holds the undo's counter. Bookings are never deleted, and the ORM
    # protects them (PROTECT). Decision 0013.
    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.PROTECT, related_name="pricing", db_constraint=False
    )
    # Copies of the booking's venue and offerer, whose own foreign keys guarantee them: no second
    # database check per row (a year of bookings is priced in bulk), and no index of their own (the
    # (venue, year, validated_at) and (offerer, year, validated_at) indexes serve every lookup).
    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    offerer = models.ForeignKey(
        "offerers.Offerer", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    scope = models.CharField(max_length=16, choices=PricingScope.choices)
    year = models.PositiveSmallIntegerField()
    validated_at = models.DateTimeField()
    # When the event began (the showtime), copied at pricing, which happens only once it has begun;
    # null for a thing. A batch pays what began before its cut-off without reading the bookings.
    event_at = models.DateTimeField(null=True, blank=True)
    booking_amount_cents = models.PositiveIntegerField()
    revenue_before_cents = models.BigIntegerField()
    revenue_after_cents = models.BigIntegerField()
    # A handful of versions, seeded by migration and never deleted: checked by the ORM (PROTECT), not
    # once per priced booking by the database.
    scale = models.ForeignKey(
        ReimbursementScale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    bracket = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 = première tranche")
    custom_rule = models.ForeignKey(
        CustomReimbursementRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the partial index below: most pricings follow the scale
    )
    rate = models.DecimalField(
        max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, null=True, blank=True
    )
    reimbursed_cents = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=PricingStatus.choices, default=PricingStatus.PRICED)
    # The payment line that first paid it (set when the pricing becomes PROCESSED), never changed: when
    # that line fails, the later line retrying it (`retried_in`) pays it again (batches.with_retried).
    payment_line = models.ForeignKey(
        "PaymentLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pricings",
        db_index=False,  # the partial index below: a pricing waiting for its batch has none
        # Set by the batch to a line it created in the same transaction, never to another: no database
        # check of a year of rows at commit. Lines are never deleted (PROTECT).
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["validated_at", "booking_id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PricingStatus.values), name="pricing_status_valid"),
            models.CheckConstraint(
                condition=Q(reimbursed_cents__lte=models.F("booking_amount_cents")),
                name="pricing_never_above_booking",
            ),
            models.CheckConstraint(
                condition=Q(
                    revenue_after_cents=models.F("revenue_before_cents") + models.F("booking_amount_cents")
                ),
                name="pricing_revenue_consistent",
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=False, custom_rule__isnull=True)
                | Q(scale__isnull=True, custom_rule__isnull=False),
                name="pricing_one_rule",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "year", "validated_at"]),
            # Partial indexes, so that a batch marking a year of pricings PROCESSED does not write
            # them: the pricings waiting for a batch, and those of the offerer scope (not the default).
            models.Index(
                fields=["venue", "validated_at"],
                condition=Q(status=PricingStatus.PRICED),
                name="pricing_waiting",
            ),
            models.Index(
                fields=["offerer", "year", "validated_at"],
                condition=Q(scope=PricingScope.OFFERER),
                name="pricing_offerer_scope",
            ),
            models.Index(
                fields=["payment_line"], condition=Q(payment_line__isnull=False), name="pricing_payment_line"
            ),
            models.Index(
                fields=["custom_rule"], condition=Q(custom_rule__isnull=False), name="pricing_custom_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"Valorisation de la réservation {self.booking_id}"


# --- Payment batches (core/finance/batches.py, docs/decisions/0014-payment-batches.md) --------------


class PaymentBatch(models.Model):
    """The payments of one cut-off (the 1st or 16th, Europe/Paris): at most one batch per cut-off.

    Its files (SEPA order, accounting CSV, statements) are not stored: they are rebuilt from the rows
    on demand, the SEPA file byte for byte (its ids and creation time come from this row)."""

    cutoff = models.DateField("date de clôture", unique=True)
    status = models.CharField(
        max_length=16,
        choices=PaymentBatchStatus.choices,
        default=PaymentBatchStatus.GENERATED,
        verbose_name="état",
    )
    created_at = models.DateTimeField(verbose_name="généré le")
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="envoyé le")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="envoyé par",
    )

    class Meta:
        verbose_name = "lot de virements"
        verbose_name_plural = "lots de virements"
        ordering = ["-cutoff"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentBatchStatus.values), name="payment_batch_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentBatchStatus.SENT) | Q(sent_at__isnull=False),
                name="payment_batch_sent_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot du {self.cutoff:%d/%m/%Y}"

    @property
    def message_id(self) -> str:
        """The SEPA message id: stable, so a regenerated file is the same order, not a second one."""
        return f"PASSCULTURE-{self.cutoff:%Y%m%d}-{self.pk}"


class PaymentLine(models.Model):
    """What one venue receives on one bank account in one batch: the sum of its pricings.

    The bank details and creditor are copied from the account at generation: the SEPA file of a batch
    keeps naming the account really paid, whatever changes afterwards."""

    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, related_name="lines", verbose_name="lot"
    )
    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.PROTECT, related_name="+", verbose_name="lieu"
    )
    bank_account = models.ForeignKey(
        BankAccount,
        on_delete=models.PROTECT,
        related_name="payment_lines",
        verbose_name="coordonnées bancaires",
    )
    creditor = models.CharField("créancier", max_length=255)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11)
    amount_cents = models.BigIntegerField(verbose_name="montant (centimes)")
    booking_count = models.PositiveIntegerField(verbose_name="réservations")
    status = models.CharField(
        max_length=16,
        choices=PaymentLineStatus.choices,
        default=PaymentLineStatus.PENDING,
        verbose_name="état",
    )
    error_reason = models.CharField(
        "motif de l'erreur", max_length=PAYMENT_ERROR_REASON_MAX_LENGTH, blank=True
    )
    errored_at = models.DateTimeField(null=True, blank=True, verbose_name="signalé en erreur le")
    # The line of a later batch that pays this one's pricings again after an error.
    retried_in = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retry_of",
        verbose_name="repayé dans",
    )

    class Meta:
        verbose_name = "ligne de virement"
        verbose_name_plural = "lignes de virement"
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "venue"], name="payment_line_one_per_venue"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentLineStatus.values), name="payment_line_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gte=0), name="payment_line_not_negative"),
            models.CheckConstraint(
                condition=~Q(status=PaymentLineStatus.ERROR)
                | (Q(errored_at__isnull=False) & ~Q(error_reason="")),
                name="payment_line_error_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(retried_in__isnull=True) | Q(status=PaymentLineStatus.ERROR),
                name="payment_line_only_errors_retried",
            ),
        ]
        indexes = [models.Index(fields=["status", "errored_at"])]

    def __str__(self) -> str:
        return f"Virement {self.pk} ({self.get_status_display()})"
