from django.db import models


class Category(models.TextChoices):
    """Cinema subcategories (the real service's identifiers)."""

    SHOWTIME = "SEANCE_CINE", "Séance de cinéma"
    CINEMA_CARD = "CARTE_CINE_MULTISEANCES", "Carte cinéma multi-séances"
    CINEMA_SUBSCRIPTION = "CARTE_CINE_ILLIMITE", "Abonnement cinéma"


EVENT_CATEGORIES = frozenset({Category.SHOWTIME})


class Version(models.TextChoices):
    VF = "VF", "Version française"
    VO = "VO", "Version originale"
    NONE = "", "—"


MAX_THING_PRICE_CENTS = 300_00
# An event stock may be deleted by its offerer until this long after its start.
STOCK_DELETION_DELAY_HOURS = 48
