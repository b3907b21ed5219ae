from django.db import models


class ValidationStatus(models.TextChoices):
    NEW = "NEW", "Nouveau"
    PENDING = "PENDING", "En attente"
    VALIDATED = "VALIDATED", "Validé"
    REJECTED = "REJECTED", "Rejeté"


class RegistryStatus(models.TextChoices):
    """What the company registry said about an offerer when it signed up."""

    VERIFIED = "VERIFIED", "Vérifiée au répertoire"
    UNVERIFIED = "UNVERIFIED", "Non vérifiée"
    UNREACHABLE = "UNREACHABLE", "Répertoire injoignable (saisie manuelle)"


class MembershipRole(models.TextChoices):
    ADMIN = "ADMIN", "Administrateur"
    EDITOR = "EDITOR", "Éditeur"


# Overseas departments and collectivities have their own clocks; everything else is Paris time.
DEPARTMENT_TIMEZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
DEFAULT_TIMEZONE = "Europe/Paris"


class BookingNotification(models.TextChoices):
    """How a venue hears of its bookings and cancellations (decision 0035)."""

    EACH = "EACH", "Un e-mail par réservation"
    DIGEST = "DIGEST", "Un récapitulatif quotidien"


# An address fits the model's column (RFC 5321 limits a path to 254 characters).
BOOKING_EMAIL_MAX_LENGTH = 254
