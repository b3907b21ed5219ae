"""Ticketing software vendors ("providers"), their API keys and their links to venues.

See docs/decisions/0026-ticketing-providers.md.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from passculture.core.offerers.models import Venue

URL_MAX_LENGTH = 500
VENUE_ID_AT_PROVIDER_MAX_LENGTH = 70
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
HTTPS_REQUIRED = "Saisissez une adresse commençant par https://."
https_only = URLValidator(schemes=["https"], message=HTTPS_REQUIRED, code="https_required")
_http_or_https = URLValidator(schemes=["http", "https"], message=HTTPS_REQUIRED, code="https_required")


def is_loopback_http(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def webhook_url(value: str) -> None:
    """https only; http on a loopback host too when TICKETING_ALLOW_HTTP_LOOPBACK (DEBUG, the demo's
    reference system on 127.0.0.1). Decision 0029."""
    if getattr(settings, "TICKETING_ALLOW_HTTP_LOOPBACK", False) and is_loopback_http(value):
        _http_or_https(value)
        return
    https_only(value)
    if not value.startswith("https://"):
        raise ValidationError(HTTPS_REQUIRED, code="https_required")


class Provider(models.Model):
    """A software vendor whose system sells the seats of the venues linked to it."""

    name = models.CharField(max_length=100, unique=True, verbose_name="nom")
    is_active = models.BooleanField(default=True, verbose_name="actif")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    # Called by external_bookings / outbox (decision 0029); a venue's link may override each one.
    booking_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[webhook_url], verbose_name="adresse de réservation"
    )
    cancel_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[webhook_url], verbose_name="adresse d'annulation"
    )
    notification_url = models.URLField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        validators=[webhook_url],
        verbose_name="adresse de notification",
    )
    # The signing secret is never stored: it is derived from TICKETING_SIGNING_KEY and this version
    # (signing.provider_secret); 0 = none made yet, a rotation increments it. Decision 0029.
    signing_key_version = models.PositiveIntegerField(
        default=0, verbose_name="version du secret de signature"
    )
    signing_key_created_at = models.DateTimeField(null=True, blank=True, verbose_name="secret créé le")

    class Meta:
        ordering = ["name"]
        verbose_name = "logiciel de billetterie"
        verbose_name_plural = "logiciels de billetterie"

    def __str__(self) -> str:
        return self.name


class ProviderApiKey(models.Model):
    """A key of a provider: `<env>_<prefix>_<secret>`, only sha256(secret) stored, shown once."""

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="api_keys", verbose_name="logiciel"
    )
    prefix = models.CharField(max_length=12, unique=True, verbose_name="préfixe")
    secret_hash = models.CharField(max_length=64)
    environment = models.CharField(max_length=16, verbose_name="environnement")
    label = models.CharField(max_length=100, blank=True, verbose_name="libellé")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name="dernière utilisation")
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name="révoquée le")
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "clé d'API de logiciel"
        verbose_name_plural = "clés d'API de logiciel"
        constraints = [
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^[0-9a-f]{12}$"), name="provider_key_prefix_12_hex"
            ),
            models.CheckConstraint(
                condition=Q(secret_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a pattern
                name="provider_key_secret_hash_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.environment}_{self.prefix}_…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LinkStatus(models.TextChoices):
    REQUESTED = "requested", "Demandé"
    ACTIVE = "active", "Actif"
    REFUSED = "refused", "Refusé"
    STOPPED = "stopped", "Arrêté"


class VenueProviderLink(models.Model):
    """A venue sold through a provider, known there by `venue_id_at_provider`. A pro asks, staff decide."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="provider_links", verbose_name="lieu"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="venue_links", verbose_name="logiciel"
    )
    venue_id_at_provider = models.CharField(
        max_length=VENUE_ID_AT_PROVIDER_MAX_LENGTH, verbose_name="identifiant du lieu chez le logiciel"
    )
    status = models.CharField(
        max_length=16, choices=LinkStatus.choices, default=LinkStatus.REQUESTED, verbose_name="statut"
    )
    is_selling = models.BooleanField(default=True, verbose_name="vend par le logiciel")
    refusal_reason = models.CharField(max_length=500, blank=True, verbose_name="motif du refus")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandé par",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décidé par",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="demandé le")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="décidé le")
    # The venue's own webhook URLs: each one, when set, replaces the provider's.
    booking_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[webhook_url], verbose_name="adresse de réservation"
    )
    cancel_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[webhook_url], verbose_name="adresse d'annulation"
    )
    notification_url = models.URLField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        validators=[webhook_url],
        verbose_name="adresse de notification",
    )
    # Health of the calls through this link (pro venue page, back office).
    last_call_at = models.DateTimeField(null=True, blank=True, verbose_name="dernier appel le")
    last_success_at = models.DateTimeField(null=True, blank=True, verbose_name="dernier succès le")
    error_count = models.PositiveIntegerField(default=0, verbose_name="erreurs depuis le dernier succès")
    last_error = models.CharField(max_length=300, blank=True, verbose_name="dernière erreur")
    last_error_at = models.DateTimeField(null=True, blank=True, verbose_name="dernière erreur le")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "lien de billetterie"
        verbose_name_plural = "liens de billetterie"
        constraints = [
            models.UniqueConstraint(
                fields=["venue"], condition=Q(status="active"), name="ticketing_one_active_link_per_venue"
            ),
            # One open request per venue too: a pro double-clicking makes one row.
            models.UniqueConstraint(
                fields=["venue"],
                condition=Q(status="requested"),
                name="ticketing_one_open_request_per_venue",
            ),
            models.CheckConstraint(
                condition=~Q(venue_id_at_provider=""), name="ticketing_venue_id_at_provider_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="ticketing_link_provider_status")]

    def __str__(self) -> str:
        return f"{self.venue_id} ↔ {self.provider_id} ({self.status})"

    def url(self, kind: str) -> str:
        """The link's own `booking`/`cancel`/`notification` URL, else the provider's."""
        name = f"{kind}_url"
        return getattr(self, name) or getattr(self.provider, name)


# --- External bookings (decision 0029) ---------------------------------------------------------------


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", "Places et crédit retenus"
    ISSUED = "issued", "Billets émis, à confirmer"
    CONFIRMED = "confirmed", "Réservation confirmée"
    RELEASED = "released", "Libérée"


IN_FLIGHT = (ReservationStatus.RESERVED, ReservationStatus.ISSUED)


class TicketingReservation(models.Model):
    """Seats and credit held while the cinema's system is called, without any row lock.

    The seats are counted in `Stock.booked_quantity` and the credit in `Deposit.spent_cents` (as
    `held`: [[deposit_id, cents], ...]) from the reservation to its confirmation (turned into the
    booking and its debits in one transaction) or its release (given back)."""

    link = models.ForeignKey(VenueProviderLink, on_delete=models.PROTECT, related_name="reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stock = models.ForeignKey("offers.Stock", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    is_digital = models.BooleanField(default=False)
    held = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED
    )
    error_code = models.CharField(max_length=64, blank=True)
    booking = models.OneToOneField(
        "bookings.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réservation en cours chez un logiciel"
        verbose_name_plural = "réservations en cours chez un logiciel"
        constraints = [
            # One booking in flight per person: the held credit is never planned twice.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["reserved", "issued"]),
                name="ticketing_one_reservation_in_flight_per_user",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="ticketing_reservation_status")]

    def __str__(self) -> str:
        return f"réservation {self.pk} ({self.status})"


class TicketStatus(models.TextChoices):
    ISSUED = "issued", "Émis"
    CANCELLED = "cancelled", "Annulé"


class Ticket(models.Model):
    """A ticket issued by the cinema's system: its barcode (the QR code) and its seat."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="tickets")
    reservation = models.ForeignKey(TicketingReservation, on_delete=models.PROTECT, related_name="tickets")
    booking = models.ForeignKey(
        "bookings.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    barcode = models.CharField(max_length=100, verbose_name="code-barres")
    seat = models.CharField(max_length=100, blank=True, verbose_name="place")
    status = models.CharField(max_length=16, choices=TicketStatus.choices, default=TicketStatus.ISSUED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "billet"
        constraints = [
            models.UniqueConstraint(fields=["provider", "barcode"], name="ticketing_ticket_barcode_unique"),
        ]

    def __str__(self) -> str:
        return self.barcode


class CallKind(models.TextChoices):
    CANCEL = "cancel", "Annulation de billets"
    NOTIFY = "notify", "Notification"


class CallStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec définitif"


class TicketingCall(models.Model):
    """An outbox of calls to a cinema's system (cancelUrl, notificationUrl), queued in the transaction of
    the change that causes them, sent after commit and retried with backoff (like OutboxEmail)."""

    link = models.ForeignKey(VenueProviderLink, on_delete=models.PROTECT, related_name="calls")
    kind = models.CharField(max_length=16, choices=CallKind.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=CallStatus.choices, default=CallStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "appel au logiciel de billetterie"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="ticketing_call_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"
