from django.db import models


class Category(models.TextChoices):
    """Cinema subcategories (the real service's identifiers)."""

    SHOWTIME = "SEANCE_CINE", "Séance de cinéma"
    CINEMA_CARD = "CARTE_CINE_MULTISEANCES", "Carte cinéma multi-séances"
    CINEMA_SUBSCRIPTION = "CARTE_CINE_ILLIMITE", "Abonnement cinéma"


EVENT_CATEGORIES = frozenset({Category.SHOWTIME})


class PosterChoice(models.TextChoices):
    UPLOAD = "upload", "Votre image"
    FILM = "film", "L'affiche du film"
    NONE = "none", "Sans affiche"


class Version(models.TextChoices):
    VF = "VF", "Version française"
    VO = "VO", "Version originale"
    NONE = "", "—"


MAX_THING_PRICE_CENTS = 300_00
# The real service's public API bounds: a price label is at most 50 characters, an id at the provider 70.
PRICE_CATEGORY_LABEL_MAX_LENGTH = 50
ID_AT_PROVIDER_MAX_LENGTH = 70
# What a stock without category (made before categories), and its bookings, show as their price's label.
UNIQUE_PRICE_LABEL = "Tarif unique"
# Every number a pro types has a maximum that fits its column (PostgreSQL integer: 2,147,483,647) and
# that no real stock reaches: past it, the number is a typo. 1,000 EUR is twice the largest credit ever
# granted (500 EUR), so no beneficiary could book such a stock anyway.
MAX_PRICE_CENTS = 1_000_00
# Seats of one showtime (the largest French cinema room has under 3,000) or cards of one stock.
MAX_STOCK_QUANTITY = 100_000
# A showtime starts between the venue's today and the same day this many years later: a date outside is a
# typo (2206 for 2026), and year-9999 showtimes broke every computation made from their start.
MAX_SHOWTIME_YEARS_AHEAD = 2
# An event stock may be deleted by its offerer until this long after its start.
STOCK_DELETION_DELAY_HOURS = 48

# Languages a pro can tick on an offer (ISO 639-1 codes), in the order shown.
LANGUAGES = [
    ("fr", "Français"),
    ("en", "Anglais"),
    ("es", "Espagnol"),
    ("de", "Allemand"),
    ("it", "Italien"),
    ("pt", "Portugais"),
    ("ar", "Arabe"),
    ("zh", "Chinois"),
    ("ja", "Japonais"),
    ("ko", "Coréen"),
    ("hi", "Hindi"),
    ("ru", "Russe"),
    ("xx", "Sans dialogue"),
]
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)

DESCRIPTION_MAX_LENGTH = 1000
MAX_DURATION_MINUTES = 24 * 60
# Adding showtimes in bulk: a bound on one request keeps the transaction (and a typo in the dates) small.
MAX_SHOWTIMES_PER_REQUEST = 500
MAX_SCHEDULE_DAYS = 366
MAX_BOOKING_LIMIT_HOURS_BEFORE = 24 * 30
