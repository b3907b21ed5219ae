"""A film, one thing shared by every cinema that shows it (each cinema's showing of it is an Offer)."""

from django.db import models
from django.db.models import Q


class Film(models.Model):
    """Keyed, in this order, by the Allociné id, else the visa number (the CNC's exploitation visa),
    else the normalised title and the year (`title_key`, `year`): see services.find_or_create_film."""

    title = models.CharField(max_length=140)
    # common.text.fold(title): what a title typed with other accents or punctuation is matched on.
    title_key = models.CharField(max_length=200, db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    allocine_id = models.CharField(max_length=32, blank=True)
    visa = models.CharField(max_length=32, blank=True)
    original_title = models.CharField(max_length=200, blank=True)
    synopsis = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    directors = models.JSONField(default=list, blank=True)
    cast = models.JSONField(default=list, blank=True)
    genres = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    release_date = models.DateField(null=True, blank=True)
    allocine_url = models.URLField(blank=True)
    poster = models.ImageField(upload_to="films/", blank=True)
    # Where an import took the poster from, and when: an import fetches it again at most once a day, or
    # at once when the source address changes. Empty for a poster set by hand.
    poster_source_url = models.URLField(max_length=500, blank=True)
    poster_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocine_id"], condition=~Q(allocine_id=""), name="film_unique_allocine_id"
            ),
            models.UniqueConstraint(fields=["visa"], condition=~Q(visa=""), name="film_unique_visa"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title
