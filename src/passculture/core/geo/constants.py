from django.db import models


class CoordinatesSource(models.TextChoices):
    BAN = "ban", "Adresse exacte (Base Adresse Nationale)"
    GAZETTEER = "gazetteer", "Centre de la commune"
    MANUAL = "manual", "Saisie manuelle"


# Below this BAN relevance score the match is usually another street or another town: the commune
# centre of the typed postal code is a safer guess than a confident wrong address.
DEFAULT_MIN_SCORE = 0.5
DEFAULT_TIMEOUT_SECONDS = 3.0
