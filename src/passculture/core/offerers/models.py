from django.conf import settings
from django.db import models
from django.db.models import Q

from passculture.core.geo.services import CoordinatesSource

from .constants import (
    BOOKING_EMAIL_MAX_LENGTH,
    DEFAULT_TIMEZONE,
    BookingNotification,
    MembershipRole,
    RegistryStatus,
    ValidationStatus,
)


class Offerer(models.Model):
    """A legal entity (acteur culturel), identified by its SIREN."""

    siren = models.CharField(max_length=9, unique=True, verbose_name="SIREN")
    name = models.CharField(max_length=140, verbose_name="nom")
    address = models.CharField(max_length=200, blank=True, verbose_name="adresse")
    postal_code = models.CharField(max_length=5, blank=True, verbose_name="code postal")
    city = models.CharField(max_length=100, blank=True, verbose_name="ville")
    validation_status = models.CharField(
        max_length=16,
        choices=ValidationStatus.choices,
        default=ValidationStatus.NEW,
        db_index=True,
        verbose_name="état de validation",
    )
    validated_at = models.DateTimeField(null=True, blank=True, verbose_name="validée le")
    # Staff compare what the pro typed with what the company registry answered at sign-up.
    registry_status = models.CharField(
        max_length=16,
        choices=RegistryStatus.choices,
        default=RegistryStatus.UNVERIFIED,
        verbose_name="état au répertoire SIRENE",
    )
    registry_data = models.JSONField(default=dict, blank=True, verbose_name="réponse du répertoire SIRENE")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(siren__regex=r"^[0-9]{9}$"), name="offerer_siren_9_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siren})"

    @property
    def is_validated(self) -> bool:
        return self.validation_status == ValidationStatus.VALIDATED


class Venue(models.Model):
    """A place (a cinema), identified by its SIRET, or without one for a stated reason."""

    offerer = models.ForeignKey(
        Offerer, on_delete=models.PROTECT, related_name="venues", verbose_name="structure"
    )
    name = models.CharField(max_length=140, verbose_name="nom")
    public_name = models.CharField(max_length=255, blank=True, verbose_name="nom public")
    siret = models.CharField(max_length=14, unique=True, null=True, blank=True, verbose_name="SIRET")
    no_siret_reason = models.CharField(max_length=500, blank=True, verbose_name="motif de l'absence de SIRET")
    address = models.CharField(max_length=200, verbose_name="adresse")
    postal_code = models.CharField(max_length=5, verbose_name="code postal")
    city = models.CharField(max_length=100, verbose_name="ville")
    department_code = models.CharField(max_length=3, db_index=True, verbose_name="département")
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name="latitude"
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, verbose_name="longitude"
    )
    coordinates_source = models.CharField(
        max_length=16, choices=CoordinatesSource.choices, blank=True, verbose_name="origine des coordonnées"
    )
    timezone = models.CharField(max_length=50, default=DEFAULT_TIMEZONE, verbose_name="fuseau horaire")
    booking_email = models.EmailField(
        max_length=BOOKING_EMAIL_MAX_LENGTH, blank=True, verbose_name="adresse e-mail des réservations"
    )
    # One email per booking and cancellation, or one daily digest (core/bookings/digest.py, decision 0035).
    booking_notification = models.CharField(
        max_length=8,
        choices=BookingNotification.choices,
        default=BookingNotification.EACH,
        verbose_name="e-mails de réservation",
    )
    # When the venue last left the digest: that day's (and the day before's) digest is still sent, so the
    # bookings made while it was on the digest are never left untold.
    digest_ended_at = models.DateTimeField(null=True, blank=True, verbose_name="fin du récapitulatif le")
    withdrawal_details = models.TextField(blank=True, verbose_name="modalités de retrait")
    audio_disability_accessible = models.BooleanField(
        default=False, verbose_name="accessible handicap auditif"
    )
    mental_disability_accessible = models.BooleanField(
        default=False, verbose_name="accessible handicap psychique ou cognitif"
    )
    motor_disability_accessible = models.BooleanField(
        default=False, verbose_name="accessible handicap moteur"
    )
    visual_disability_accessible = models.BooleanField(
        default=False, verbose_name="accessible handicap visuel"
    )
    validation_status = models.CharField(
        max_length=16,
        choices=ValidationStatus.choices,
        default=ValidationStatus.VALIDATED,
        db_index=True,
        verbose_name="état de validation",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")

    class Meta:
        verbose_name = "lieu"
        verbose_name_plural = "lieux"
        ordering = ["name"]
        indexes = [
            # The geolocated search reads the venues inside a bounding box (core/offers/search/).
            models.Index(fields=["latitude", "longitude"], name="venue_coordinates_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(siret__isnull=False) & Q(siret__regex=r"^[0-9]{14}$"))
                | (Q(siret__isnull=True) & ~Q(no_siret_reason="")),
                name="venue_siret_or_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.public_name or self.name

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postal_code} {self.city}"

    @property
    def is_validated(self) -> bool:
        return self.validation_status == ValidationStatus.VALIDATED


class VenueBookingDigest(models.Model):
    """One venue's daily digest of bookings for one local day, claimed once: the unique row is inserted in
    the transaction that queues the email, so two runs (even concurrent) send it once. A day with nothing
    to tell keeps its row, without email."""

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="booking_digests", verbose_name="lieu"
    )
    day = models.DateField(verbose_name="jour (heure locale du lieu)")
    created_at = models.DateTimeField(verbose_name="traité le")
    bookings_count = models.PositiveIntegerField(default=0, verbose_name="réservations")
    cancellations_count = models.PositiveIntegerField(default=0, verbose_name="annulations")
    email = models.ForeignKey(
        "notifications.OutboxEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="e-mail",
    )

    class Meta:
        verbose_name = "récapitulatif quotidien des réservations"
        verbose_name_plural = "récapitulatifs quotidiens des réservations"
        ordering = ["-day", "venue_id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "day"], name="venue_booking_digest_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.day:%Y-%m-%d}"


class Membership(models.Model):
    """A professional's membership of an offerer (validated by the offerer's admin or staff)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="compte"
    )
    offerer = models.ForeignKey(
        Offerer, on_delete=models.CASCADE, related_name="memberships", verbose_name="structure"
    )
    role = models.CharField(
        max_length=16, choices=MembershipRole.choices, default=MembershipRole.EDITOR, verbose_name="rôle"
    )
    validation_status = models.CharField(
        max_length=16,
        choices=ValidationStatus.choices,
        default=ValidationStatus.PENDING,
        db_index=True,
        verbose_name="état de validation",
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="demandé le")

    class Meta:
        verbose_name = "rattachement"
        verbose_name_plural = "rattachements"
        constraints = [
            models.UniqueConstraint(fields=["user", "offerer"], name="membership_unique_user_offerer")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.offerer}"


class ApiKey(models.Model):
    """A key of an offerer for its ticketing software (API v2). Only its hash is stored: the clear key
    `<env>_<prefix>_<secret>` is shown once, at creation. The prefix finds the row; it is not a secret."""

    offerer = models.ForeignKey(Offerer, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(max_length=12, unique=True)
    # sha256 of the 64-hex-character secret: 256 random bits need no slow password hash.
    secret_hash = models.CharField(max_length=64)
    environment = models.CharField(max_length=16)
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prefix__regex=r"^[0-9a-f]{12}$"), name="api_key_prefix_12_hex"
            ),
            models.CheckConstraint(
                condition=Q(secret_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a pattern, not a password
                name="api_key_secret_hash_sha256_hex",
            ),
        ]
        indexes = [models.Index(fields=["offerer", "revoked_at"], name="api_key_offerer_active")]

    def __str__(self) -> str:
        return f"{self.environment}_{self.prefix}_… ({self.offerer_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
