from django.conf import settings
from django.db import models
from django.db.models import Q

from .constants import HOLDER_MAX_LENGTH, REJECTION_REASON_MAX_LENGTH, BankAccountStatus

IBAN_REGEX = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"
BIC_REGEX = r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"
SUBMITTED = (BankAccountStatus.PENDING, BankAccountStatus.ACCEPTED, BankAccountStatus.REJECTED)
DECIDED = (BankAccountStatus.ACCEPTED, BankAccountStatus.REJECTED)


class BankAccount(models.Model):
    """The bank details (RIB) of one venue. Each venue has at most one current account
    (`archived_at` is null); replaced accounts stay as history with the status they had, so staff see
    what changed and payment statements keep pointing at the account that was really paid.
    See docs/decisions/0004-bank-accounts.md."""

    venue = models.ForeignKey("offerers.Venue", on_delete=models.PROTECT, related_name="bank_accounts")
    holder = models.CharField("titulaire", max_length=HOLDER_MAX_LENGTH)
    iban = models.CharField("IBAN", max_length=34, help_text="Sans espaces, en majuscules")
    bic = models.CharField("BIC", max_length=11, blank=True)
    status = models.CharField(
        max_length=16, choices=BankAccountStatus.choices, default=BankAccountStatus.DRAFT, db_index=True
    )
    rejection_reason = models.TextField("motif du refus", max_length=REJECTION_REASON_MAX_LENGTH, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True, help_text="Remplacées par d'autres coordonnées")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
