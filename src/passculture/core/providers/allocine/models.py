"""The Allociné theatre reference list: which SIRET is which Allociné theatre, maintained by staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class AllocineTheater(models.Model):
    siret = models.CharField("SIRET", max_length=14, unique=True)
    # Allociné's own identifier, sent as `theater=` to the showtime feed ("P0645" or its base64 form).
    theater_id = models.CharField("identifiant AlloCiné", max_length=64, unique=True)
    internal_id = models.CharField("identifiant interne AlloCiné", max_length=64, blank=True)
    # A theatre dropped from a full replacement list is deactivated, not deleted: the venue settings and
    # import runs that point at it keep their history.
    is_active = models.BooleanField("actif", default=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="importé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "cinéma référencé sur AlloCiné"
        verbose_name_plural = "cinémas référencés sur AlloCiné"
        ordering = ["siret"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"), name="allocine_theater_siret_digits"
            ),
            models.CheckConstraint(condition=~Q(theater_id=""), name="allocine_theater_id_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.theater_id} (SIRET {self.siret})"


class AllocineVenueSettings(models.Model):
    """How one venue imports its programme: one price and capacity for every imported showtime."""

    venue = models.OneToOneField(
        "offerers.Venue", verbose_name="lieu", on_delete=models.CASCADE, related_name="allocine_settings"
    )
    theater = models.ForeignKey(
        AllocineTheater,
        verbose_name="cinéma AlloCiné",
        on_delete=models.PROTECT,
        related_name="venue_settings",
    )
    price_cents = models.PositiveIntegerField("prix (centimes)")
    # None = unlimited seats, like Stock.quantity.
    quantity = models.PositiveIntegerField("places par séance", null=True, blank=True)
    is_duo = models.BooleanField("offres duo", default=False)
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    last_synced_at = models.DateTimeField("dernier import", null=True, blank=True)
    # Set when the pro saves the settings, cleared when a worker or runjobs takes the import: the web
    # request never waits on Allociné.
    import_requested_at = models.DateTimeField("import demandé le", null=True, blank=True)
    # What the last clean import saw and left (feed and settings digest, state fingerprint, validity
    # window): an identical feed on an identical state then needs no compare (memo.programme_unchanged).
    last_import_memo = models.JSONField("mémo du dernier import", default=dict, blank=True)

    class Meta:
        verbose_name = "importation AlloCiné d'un lieu"
        verbose_name_plural = "importations AlloCiné des lieux"
        constraints = [
            models.CheckConstraint(
                condition=Q(price_cents__gte=0), name="allocine_settings_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} <- {self.theater.theater_id}"


class AllocineImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "En cours"
        OK = "ok", "Réussi"
        PARTIAL = "partial", "Partiel"
        ERROR = "error", "Échec"

    venue = models.ForeignKey(
        "offerers.Venue", verbose_name="lieu", on_delete=models.CASCADE, related_name="allocine_runs"
    )
    started_at = models.DateTimeField("début")
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=16, choices=Status.choices, default=Status.RUNNING)
    films_seen = models.PositiveIntegerField("films lus", default=0)
    offers_created = models.PositiveIntegerField("offres créées", default=0)
    offers_updated = models.PositiveIntegerField("offres modifiées", default=0)
    showtimes_created = models.PositiveIntegerField("séances créées", default=0)
    showtimes_updated = models.PositiveIntegerField("séances modifiées", default=0)
    showtimes_deleted = models.PositiveIntegerField("séances supprimées", default=0)
    # Vanished from the feed but booked: kept, and the pro was alerted.
    showtimes_kept_booked = models.PositiveIntegerField("séances réservées signalées", default=0)
    posters_fetched = models.PositiveIntegerField("affiches récupérées", default=0)
    posters_failed = models.PositiveIntegerField("affiches en échec", default=0)
    # Same feed, same settings, nothing touched since the last import: nothing to compare nor write.
    programme_unchanged = models.BooleanField("programme inchangé", default=False)
    errors = models.JSONField("erreurs", default=list, blank=True)

    class Meta:
        verbose_name = "import AlloCiné"
        verbose_name_plural = "imports AlloCiné"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["venue", "-started_at"], name="allocine_run_venue_started")]

    def __str__(self) -> str:
        return f"{self.venue} {self.started_at:%Y-%m-%d %H:%M} ({self.status})"


class AllocineVanishedShowtime(models.Model):
    """A booked future showtime that vanished from the venue's Allociné feed: the import keeps it and the
    pro is alerted (email once, dashboard until they act). One row per episode: a showtime listed again
    closes its alert (`resolved_at`), and vanishing again later opens a new one (and a new email)."""

    venue = models.ForeignKey(
        "offerers.Venue", verbose_name="lieu", on_delete=models.CASCADE, related_name="+"
    )
    stock = models.ForeignKey(
        "offers.Stock",
        verbose_name="séance",
        on_delete=models.CASCADE,
        related_name="allocine_vanished_alerts",
    )
    detected_at = models.DateTimeField("disparition constatée le")
    # The pro chose "Garder la séance": the alert leaves the dashboard, the showtime stays.
    acknowledged_at = models.DateTimeField("séance gardée le", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="gardée par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Allociné lists the showtime again, or the import deleted it once its bookings were all cancelled.
    resolved_at = models.DateTimeField("résolue le", null=True, blank=True)

    class Meta:
        verbose_name = "séance réservée disparue d'AlloCiné"
        verbose_name_plural = "séances réservées disparues d'AlloCiné"
        ordering = ["-detected_at", "-id"]
        constraints = [
            # One open alert per showtime: the import never emails twice for the same disappearance.
            models.UniqueConstraint(
                fields=["stock"],
                condition=Q(resolved_at__isnull=True),
                name="allocine_vanished_one_open_per_stock",
            ),
        ]
        indexes = [
            models.Index(
                fields=["venue"],
                condition=Q(resolved_at__isnull=True),
                name="allocine_vanished_open_venue",
            ),
        ]

    def __str__(self) -> str:
        return f"séance {self.stock_id} disparue le {self.detected_at:%Y-%m-%d}"
