from django.db import models

# In core.common.geography (users and credit need them too); re-exported for existing imports.
from passculture.core.common.geography import DEFAULT_TIMEZONE, DEPARTMENT_TIMEZONES  # noqa: F401


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


class BookingNotification(models.TextChoices):
    """How a venue hears of its bookings and cancellations (decision 0035)."""

    EACH = "EACH", "Un e-mail par réservation"
    DIGEST = "DIGEST", "Un récapitulatif quotidien"


# An address fits the model's column (RFC 5321 limits a path to 254 characters).
BOOKING_EMAIL_MAX_LENGTH = 254
