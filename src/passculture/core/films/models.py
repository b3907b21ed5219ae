"""A film, one thing shared by every cinema that shows it (each cinema's showing of it is an Offer)."""

from django.db import models
from django.db.models import Q


class Film(models.Model):
    """Keyed, in this order, by the Allociné id, else the visa number (the CNC's exploitation visa),
    else the normalised title and the year (`title_key`, `year`): see services.find_or_create_film."""

    title = models.CharField("titre", max_length=140)
    # common.text.fold(title): what a title typed with other accents or punctuation is matched on.
    title_key = models.CharField("titre normalisé", max_length=200, db_index=True)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    allocine_id = models.CharField("identifiant AlloCiné", max_length=32, blank=True)
    visa = models.CharField("numéro de visa", max_length=32, blank=True)
    original_title = models.CharField("titre original", max_length=200, blank=True)
    synopsis = models.TextField("synopsis", blank=True)
    duration_minutes = models.PositiveIntegerField("durée (minutes)", null=True, blank=True)
    directors = models.JSONField("réalisation", default=list, blank=True)
    cast = models.JSONField("distribution", default=list, blank=True)
    genres = models.JSONField("genres", default=list, blank=True)
    countries = models.JSONField("pays", default=list, blank=True)
    release_date = models.DateField("date de sortie", null=True, blank=True)
    allocine_url = models.URLField("page AlloCiné", blank=True)
    poster = models.ImageField("affiche", upload_to="films/", blank=True)
    # Where an import took the poster from, and when: an import fetches it again at most once a day, or
    # at once when the source address changes. Empty for a poster set by hand.
    poster_source_url = models.URLField("adresse d'origine de l'affiche", max_length=500, blank=True)
    poster_fetched_at = models.DateTimeField("affiche récupérée le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "film"
        verbose_name_plural = "films"
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocine_id"], condition=~Q(allocine_id=""), name="film_unique_allocine_id"
            ),
            models.UniqueConstraint(fields=["visa"], condition=~Q(visa=""), name="film_unique_visa"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title
