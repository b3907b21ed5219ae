"""A young person's favourite films and cinemas, kept on the server so that every device shows them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Favourite(models.Model):
    """Exactly one of `film` and `venue` is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites")
    film = models.ForeignKey("films.Film", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(film__isnull=False) & Q(venue__isnull=True))
                | (Q(film__isnull=True) & Q(venue__isnull=False)),
                name="favourite_film_or_venue",
            ),
            models.UniqueConstraint(
                fields=["user", "film"], condition=Q(film__isnull=False), name="favourite_unique_film"
            ),
            models.UniqueConstraint(
                fields=["user", "venue"], condition=Q(venue__isnull=False), name="favourite_unique_venue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.film or self.venue}"
