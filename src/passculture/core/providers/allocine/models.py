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
