from django.conf import settings
from django.db import models
from django.db.models import Q

from passculture.core.offers.constants import UNIQUE_PRICE_LABEL

from . import constants
from .constants import BookingStatus, CancellationReason, CounterChannel, CounterResult


class Booking(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name="bénéficiaire",
    )
    deposit = models.ForeignKey(
        "credit.Deposit",
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        verbose_name="crédit",
    )
    stock = models.ForeignKey(
        "offers.Stock", on_delete=models.PROTECT, related_name="bookings", verbose_name="séance ou stock"
    )
    # Denormalised from the stock: the one-booking-per-offer index and the counter's offerer check need them.
    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.PROTECT, related_name="bookings", verbose_name="offre"
    )
    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.PROTECT, related_name="bookings", verbose_name="lieu"
    )
    offerer = models.ForeignKey(
        "offerers.Offerer", on_delete=models.PROTECT, related_name="bookings", verbose_name="structure"
    )
    quantity = models.PositiveSmallIntegerField(default=1, verbose_name="quantité")
    amount_cents = models.PositiveIntegerField(
        help_text="Prix unitaire au moment de la réservation", verbose_name="prix unitaire (centimes)"
    )
    # The price category's label when booked ("Tarif réduit"); empty for a stock without category.
    price_category_label = models.CharField(max_length=50, blank=True, verbose_name="tarif")
    is_digital = models.BooleanField(default=False, verbose_name="numérique")
    token = models.CharField(max_length=6, unique=True, verbose_name="code de réservation")
    status = models.CharField(
        max_length=16,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
        db_index=True,
        verbose_name="état",
    )
    booked_at = models.DateTimeField(db_index=True, verbose_name="réservée le")
    cancellation_limit_datetime = models.DateTimeField(
        null=True, blank=True, verbose_name="annulable jusqu'au"
    )
    used_at = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name="utilisée le")
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="validée par",
    )
    validated_by_label = models.CharField(max_length=100, blank=True, verbose_name="validée par (libellé)")
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name="annulée le")
    cancellation_reason = models.CharField(
        max_length=16, choices=CancellationReason.choices, blank=True, verbose_name="motif d'annulation"
    )
    reimbursed_at = models.DateTimeField(null=True, blank=True, verbose_name="remboursée le")
    expiry_reminder_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name="rappel d'expiration envoyé le"
    )
    # The reminder before the show (bookings/reminders.py): set in the transaction that queues it.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, verbose_name="rappel de séance envoyé le")

    class Meta:
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
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
    def price_label(self) -> str:
        """The price's label to show: the category booked, or "Tarif unique" for a stock without one."""
        return self.price_category_label or UNIQUE_PRICE_LABEL

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

    token = models.CharField(max_length=64, db_index=True, verbose_name="code de réservation")
    booking = models.ForeignKey(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="réservation",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
    )
    actor_label = models.CharField(max_length=100, blank=True, verbose_name="auteur (libellé)")
    action = models.CharField(max_length=16, default="use", verbose_name="action")
    result = models.CharField(max_length=16, choices=CounterResult.choices, verbose_name="résultat")
    error_code = models.CharField(max_length=64, blank=True, verbose_name="code d'erreur")
    device = models.CharField(max_length=255, blank=True, verbose_name="appareil")
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name="adresse IP")
    channel = models.CharField(
        max_length=16, choices=CounterChannel.choices, default=CounterChannel.COUNTER, verbose_name="canal"
    )
    # The API key's public prefix (never the secret), for calls authenticated by an offerer's key.
    api_key_prefix = models.CharField(max_length=12, blank=True, verbose_name="préfixe de la clé d'API")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="le")

    class Meta:
        verbose_name = "passage au guichet"
        verbose_name_plural = "passages au guichet"
        ordering = ["-id"]

    def __str__(self) -> str:
        error = f" ({self.error_code})" if self.error_code else ""
        return f"{self.token} : {self.get_result_display()}{error}"


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


class BookingFeedback(models.Model):
    """A beneficiary's answer to "Tu as aimé ?" after a used booking: one per booking, final (decision
    0034). Counted only while its booking is used (or reimbursed): a validation undone stops counting."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="feedback", verbose_name="réservation"
    )
    liked = models.BooleanField(verbose_name="a aimé")
    created_at = models.DateTimeField(verbose_name="donné le")

    class Meta:
        verbose_name = "avis après la séance"
        verbose_name_plural = "avis après la séance"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"avis {self.pk} ({'aimé' if self.liked else 'pas aimé'})"
