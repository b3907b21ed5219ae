from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CreditPolicy(models.Model):
    """A grant policy in force over a period: dated data, never constants in code."""

    code = models.CharField(max_length=32, unique=True)
    label = models.CharField(max_length=200)
    age = models.PositiveSmallIntegerField(default=18, help_text="Age at which this grant is given")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, help_text="Exclusive")
    amount_cents = models.PositiveIntegerField()
    digital_cap_cents = models.PositiveIntegerField(null=True, blank=True)
    physical_cap_cents = models.PositiveIntegerField(null=True, blank=True)
    validity_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Valid N years from grant"
    )
    expires_at_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Valid until this birthday"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["valid_from", "age"]
        verbose_name_plural = "credit policies"
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposits")
    policy = models.ForeignKey(CreditPolicy, on_delete=models.PROTECT, related_name="deposits")
    amount_cents = models.PositiveIntegerField()
    digital_cap_cents = models.PositiveIntegerField(null=True, blank=True)
    physical_cap_cents = models.PositiveIntegerField(null=True, blank=True)
    spent_cents = models.PositiveIntegerField(default=0)
    digital_spent_cents = models.PositiveIntegerField(default=0)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    source = models.CharField(max_length=100, blank=True)

    class Meta:
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
        return f"{self.user} {self.amount_cents / 100:.2f} EUR"


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
        return f"{self.booking_id} <- {self.deposit_id}: {self.amount_cents / 100:.2f} EUR"
