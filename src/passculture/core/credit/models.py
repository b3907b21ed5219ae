from django.conf import settings
from django.db import models
from django.db.models import F, Q

from passculture.core.common.money import format_euros


class CreditPolicy(models.Model):
    """A grant policy in force over a period: dated data, never constants in code."""

    code = models.CharField(max_length=32, unique=True, verbose_name="code")
    label = models.CharField(max_length=200, verbose_name="libellé")
    age = models.PositiveSmallIntegerField(
        default=18, help_text="Âge auquel ce crédit est octroyé", verbose_name="âge"
    )
    valid_from = models.DateField(verbose_name="en vigueur à partir du")
    valid_until = models.DateField(
        null=True, blank=True, help_text="Exclusive", verbose_name="en vigueur jusqu'au"
    )
    amount_cents = models.PositiveIntegerField(verbose_name="montant (centimes)")
    digital_cap_cents = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="plafond numérique (centimes)"
    )
    physical_cap_cents = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="plafond physique (centimes)"
    )
    validity_years = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Valable N années à partir de l'octroi",
        verbose_name="validité (années)",
    )
    expires_at_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Valable jusqu'à cet anniversaire",
        verbose_name="expire à l'âge de",
    )
    is_active = models.BooleanField(default=True, verbose_name="actif")

    class Meta:
        verbose_name = "barème du crédit"
        verbose_name_plural = "barèmes du crédit"
        ordering = ["valid_from", "age"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_years__isnull=False) | Q(expires_at_age__isnull=False),
                name="policy_has_an_expiry_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Deposit(models.Model):
    """Credit granted to one beneficiary. `spent_cents` is kept under the same lock as the bookings
    so the database itself refuses an overspend (CHECK constraints)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deposits",
        verbose_name="bénéficiaire",
    )
    policy = models.ForeignKey(
        CreditPolicy, on_delete=models.PROTECT, related_name="deposits", verbose_name="barème"
    )
    amount_cents = models.PositiveIntegerField(verbose_name="montant (centimes)")
    digital_cap_cents = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="plafond numérique (centimes)"
    )
    physical_cap_cents = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="plafond physique (centimes)"
    )
    spent_cents = models.PositiveIntegerField(default=0, verbose_name="dépensé (centimes)")
    digital_spent_cents = models.PositiveIntegerField(
        default=0, verbose_name="dépensé en numérique (centimes)"
    )
    granted_at = models.DateTimeField(verbose_name="octroyé le")
    expires_at = models.DateTimeField(verbose_name="expire le")
    source = models.CharField(max_length=100, blank=True, verbose_name="origine")

    class Meta:
        verbose_name = "crédit"
        verbose_name_plural = "crédits"
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spent_cents__lte=F("amount_cents")), name="deposit_never_overspent"
            ),
            models.CheckConstraint(
                condition=Q(digital_cap_cents__isnull=True)
                | Q(digital_spent_cents__lte=F("digital_cap_cents")),
                name="deposit_digital_cap_respected",
            ),
            models.CheckConstraint(
                condition=Q(digital_spent_cents__lte=F("spent_cents")), name="deposit_digital_within_total"
            ),
            models.UniqueConstraint(fields=["user", "policy"], name="deposit_one_per_user_and_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.user} : {format_euros(self.amount_cents)}"


class Debit(models.Model):
    """What one booking took from one deposit. A booking is paid by one deposit, or split over two when
    a beneficiary holds two credits at once (the 2025 policy: the 17-year-old's credit stays usable
    beside the 18-year-old's) and neither covers it alone. A cancellation gives each debit back to its
    own deposit. Free bookings have a debit of 0 on the deposit they were made under.

    Rows are never deleted (a cancelled booking keeps them: its refunds are read from them). The deposit's
    `spent_cents` is their sum over its non-cancelled bookings, kept under the deposit's row lock."""

    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="debits")
    # Part of the booking (bookings are never deleted by the domain; a test or a support script that
    # removes one takes its debits along). The deposit side protects: credit history is kept.
    booking = models.ForeignKey("bookings.Booking", on_delete=models.CASCADE, related_name="debits")
    amount_cents = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "deposit"], name="debit_one_per_booking_and_deposit"),
        ]

    def __str__(self) -> str:
        return f"Réservation {self.booking_id} sur le crédit {self.deposit_id} : {format_euros(self.amount_cents)}"


class CreditReminder(models.Model):
    """One reminder before a credit expires, claimed once per deposit and threshold (decision 0033): the
    row is inserted in the transaction that queues the email, so a job run twice, or two runs at once,
    send it once (the second insert fails on the unique constraint)."""

    deposit = models.ForeignKey(
        Deposit, on_delete=models.CASCADE, related_name="reminders", verbose_name="crédit"
    )
    days_before = models.PositiveSmallIntegerField(verbose_name="jours avant l'expiration")
    sent_at = models.DateTimeField(verbose_name="envoyé le")
    remaining_cents = models.PositiveIntegerField(verbose_name="restant annoncé (centimes)")

    class Meta:
        verbose_name = "rappel avant la fin du crédit"
        verbose_name_plural = "rappels avant la fin du crédit"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "days_before"], name="credit_reminder_once_per_deposit_and_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"Rappel J-{self.days_before} du crédit {self.deposit_id}"
