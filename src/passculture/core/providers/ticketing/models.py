"""Ticketing software vendors ("providers"), their API keys and their links to venues.

See docs/decisions/0026-ticketing-providers.md.
"""

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from passculture.core.offerers.models import Venue

URL_MAX_LENGTH = 500
VENUE_ID_AT_PROVIDER_MAX_LENGTH = 70
https_only = URLValidator(
    schemes=["https"], message="Saisissez une adresse commençant par https://.", code="https_required"
)


class Provider(models.Model):
    """A software vendor whose system sells the seats of the venues linked to it."""

    name = models.CharField(max_length=100, unique=True, verbose_name="nom")
    is_active = models.BooleanField(default=True, verbose_name="actif")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    # For the webhooks (later): stored and validated, nothing calls them yet.
    booking_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[https_only], verbose_name="adresse de réservation"
    )
    cancel_url = models.URLField(
        max_length=URL_MAX_LENGTH, blank=True, validators=[https_only], verbose_name="adresse d'annulation"
    )
    notification_url = models.URLField(
        max_length=URL_MAX_LENGTH,
        blank=True,
        validators=[https_only],
        verbose_name="adresse de notification",
    )

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
