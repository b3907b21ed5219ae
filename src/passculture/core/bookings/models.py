from django.conf import settings
from django.db import models
from django.db.models import Q

from . import constants
from .constants import BookingStatus, CancellationReason, CounterChannel, CounterResult


class Booking(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    deposit = models.ForeignKey(
        "credit.Deposit", on_delete=models.PROTECT, related_name="bookings", null=True
    )
    stock = models.ForeignKey("offers.Stock", on_delete=models.PROTECT, related_name="bookings")
    # Denormalised from the stock: the one-booking-per-offer index and the counter's offerer check need them.
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="bookings")
    venue = models.ForeignKey("offerers.Venue", on_delete=models.PROTECT, related_name="bookings")
    offerer = models.ForeignKey("offerers.Offerer", on_delete=models.PROTECT, related_name="bookings")
    quantity = models.PositiveSmallIntegerField(default=1)
    amount_cents = models.PositiveIntegerField(help_text="Unit price at booking time")
    is_digital = models.BooleanField(default=False)
    token = models.CharField(max_length=6, unique=True)
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED, db_index=True
    )
    booked_at = models.DateTimeField(db_index=True)
    cancellation_limit_datetime = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True, db_index=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_by_label = models.CharField(max_length=100, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=16, choices=CancellationReason.choices, blank=True)
    reimbursed_at = models.DateTimeField(null=True, blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-booked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "offer"],
                condition=~Q(status=BookingStatus.CANCELLED),
                name="booking_one_active_per_user_and_offer",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=constants.MAX_DUO_QUANTITY),
                name="booking_quantity_1_or_2",
            ),
            models.CheckConstraint(
                condition=Q(status=BookingStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=BookingStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="booking_cancelled_iff_cancelled_at",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[BookingStatus.USED, BookingStatus.REIMBURSED])
                | Q(used_at__isnull=False),
                name="booking_used_has_used_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "offerer"]), models.Index(fields=["venue", "status"])]

    def __str__(self) -> str:
        return f"{self.token} ({self.get_status_display()})"

    @property
    def total_amount_cents(self) -> int:
        return self.amount_cents * self.quantity

    @property
    def qr_payload(self) -> str:
        return f"{constants.QR_PAYLOAD_PREFIX}{self.token}"

    # State transitions. Rules about *whether* a transition is allowed live in services/validation.
    def mark_as_used(self, at, *, by=None, label: str = "") -> None:
        self.status = BookingStatus.USED
        self.used_at = at
        self.validated_by = by
        self.validated_by_label = label or (by.email if by is not None else "")

    def mark_as_unused(self) -> None:
        self.status = BookingStatus.CONFIRMED
        self.used_at = None
        self.validated_by = None
        self.validated_by_label = ""

    def mark_as_cancelled(self, at, reason: CancellationReason) -> None:
        self.status = BookingStatus.CANCELLED
        self.cancelled_at = at
        self.cancellation_reason = reason


class CounterAttempt(models.Model):
    """Every attempt at the counter or through the ticketing API, successful or not."""

    token = models.CharField(max_length=64, db_index=True)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=16, default="use")
    result = models.CharField(max_length=16, choices=CounterResult.choices)
    error_code = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=16, choices=CounterChannel.choices, default=CounterChannel.COUNTER)
    # The API key's public prefix (never the secret), for calls authenticated by an offerer's key.
    api_key_prefix = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.token} {self.result} {self.error_code}"


class ExportJobStatus(models.TextChoices):
    PENDING = "PENDING", "En attente"
    RUNNING = "RUNNING", "En cours"
    DONE = "DONE", "Prêt"
    FAILED = "FAILED", "Échec"
    EXPIRED = "EXPIRED", "Expiré"


class BookingExportJob(models.Model):
    """A large export of an offerer's bookings, written by a worker (or runjobs) under the private var/
    directory, then downloadable by the person who asked, while they still belong to the offerer, until
    it expires."""

    offerer = models.ForeignKey("offerers.Offerer", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=8)
    filters = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=ExportJobStatus.choices, default=ExportJobStatus.PENDING, db_index=True
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Relative to settings.BOOKING_EXPORTS_ROOT; the download name is built from the offerer and day.
    file_name = models.CharField(max_length=200, blank=True)
    download_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"export {self.pk} {self.status} {self.rows_done}/{self.rows_total}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == ExportJobStatus.DONE else 0
        return min(100, self.rows_done * 100 // self.rows_total)
