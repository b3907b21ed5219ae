import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .constants import MANUAL_PROVIDER_NAME, CheckStatus, DocumentType, RejectionReason
from .storage import private_documents_storage


def document_photo_path(check: "IdentityCheck", filename: str) -> str:
    # A random name: the path reveals neither the user nor the original file name.
    moment = check.submitted_at or dt.datetime.now(dt.UTC)
    return f"checks/{moment:%Y/%m}/{uuid.uuid4().hex}.jpg"


class IdentityCheck(models.Model):
    """One submission of identity details by a beneficiary, and its outcome.

    The data is what the document says (names, birth date, number), not a copy of the account: staff
    compare the two. A user has at most one check under review and at most one approved check (partial
    unique indexes); rejected checks stay as history, and a rejected user may submit again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity_checks"
    )
    provider = models.CharField(max_length=50, default=MANUAL_PROVIDER_NAME)
    provider_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="Identifiant de la vérification chez le fournisseur, s'il en a un",
    )
    status = models.CharField(max_length=16, choices=CheckStatus.choices, default=CheckStatus.SUBMITTED)
    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    document_number = models.CharField(max_length=32)
    first_name = models.CharField(max_length=128)
    last_name = models.CharField(max_length=128)
    # Null only once erased (`services.erase_identity_data`, when the account is anonymised).
    birth_date = models.DateField(null=True, blank=True)
    document_photo = models.FileField(
        storage=private_documents_storage, upload_to=document_photo_path, blank=True, max_length=200
    )
    submitted_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Auteur de la décision quand ce n'est pas un agent (un fournisseur)",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=32, choices=RejectionReason.choices, blank=True)
    rejection_comment = models.TextField(blank=True)
    deposit = models.OneToOneField(
        "credit.Deposit", null=True, blank=True, on_delete=models.PROTECT, related_name="identity_check"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="identity_check_queue"),
            models.Index(fields=["document_number"], name="identity_check_document"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=CheckStatus.SUBMITTED),
                name="identity_check_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=CheckStatus.APPROVED),
                name="identity_check_one_approved_per_user",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="identity_check_unique_provider_reference",
            ),
            # A decision is complete or absent: an approval holds its deposit, a refusal its reason.
            models.CheckConstraint(
                condition=(
                    Q(status=CheckStatus.SUBMITTED, reviewed_at__isnull=True, deposit__isnull=True)
                    | Q(status=CheckStatus.APPROVED, reviewed_at__isnull=False, deposit__isnull=False)
                    | (
                        Q(status=CheckStatus.REJECTED, reviewed_at__isnull=False, deposit__isnull=True)
                        & ~Q(rejection_reason="")
                    )
                ),
                name="identity_check_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == CheckStatus.SUBMITTED
