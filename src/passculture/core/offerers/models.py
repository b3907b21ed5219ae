from django.conf import settings
from django.db import models
from django.db.models import Q

from passculture.core.geo.services import CoordinatesSource

from .constants import DEFAULT_TIMEZONE, MembershipRole, RegistryStatus, ValidationStatus


class Offerer(models.Model):
    """A legal entity (acteur culturel), identified by its SIREN."""

    siren = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=140)
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    city = models.CharField(max_length=100, blank=True)
    validation_status = models.CharField(
        max_length=16, choices=ValidationStatus.choices, default=ValidationStatus.NEW, db_index=True
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    # Staff compare what the pro typed with what the company registry answered at sign-up.
    registry_status = models.CharField(
        max_length=16, choices=RegistryStatus.choices, default=RegistryStatus.UNVERIFIED
    )
    registry_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    offerer = models.ForeignKey(Offerer, on_delete=models.PROTECT, related_name="venues")
    name = models.CharField(max_length=140)
    public_name = models.CharField(max_length=255, blank=True)
    siret = models.CharField(max_length=14, unique=True, null=True, blank=True)
    no_siret_reason = models.CharField(max_length=500, blank=True)
    address = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=5)
    city = models.CharField(max_length=100)
    department_code = models.CharField(max_length=3, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    coordinates_source = models.CharField(max_length=16, choices=CoordinatesSource.choices, blank=True)
    timezone = models.CharField(max_length=50, default=DEFAULT_TIMEZONE)
    booking_email = models.EmailField(blank=True)
    withdrawal_details = models.TextField(blank=True)
    audio_disability_accessible = models.BooleanField(default=False)
    mental_disability_accessible = models.BooleanField(default=False)
    motor_disability_accessible = models.BooleanField(default=False)
    visual_disability_accessible = models.BooleanField(default=False)
    validation_status = models.CharField(
        max_length=16, choices=ValidationStatus.choices, default=ValidationStatus.VALIDATED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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


class Membership(models.Model):
    """A professional's membership of an offerer (validated by the offerer's admin or staff)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    offerer = models.ForeignKey(Offerer, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices, default=MembershipRole.EDITOR)
    validation_status = models.CharField(
        max_length=16, choices=ValidationStatus.choices, default=ValidationStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
