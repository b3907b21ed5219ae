import datetime as dt

from django.db import models


class BookingStatus(models.TextChoices):
    CONFIRMED = "CONFIRMED", "Confirmée"
    USED = "USED", "Validée"
    CANCELLED = "CANCELLED", "Annulée"
    REIMBURSED = "REIMBURSED", "Remboursée"


class CancellationReason(models.TextChoices):
    BENEFICIARY = "BENEFICIARY", "Annulée par le bénéficiaire"
    OFFERER = "OFFERER", "Annulée par l'acteur culturel"
    EXPIRED = "EXPIRED", "Expirée"
    FRAUD = "FRAUD", "Fraude"
    BACKOFFICE = "BACKOFFICE", "Annulée par le support"


# Countermark alphabet: A-Z without I and O, digits 2-7 (no 0/O, 1/I confusion at the counter).
TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ234567"  # noqa: S105 - not a secret
TOKEN_LENGTH = 6
QR_PAYLOAD_PREFIX = "PASSCULTURE:v3;TOKEN:"

CANCELLATION_DELAY = dt.timedelta(hours=48)
AUTO_VALIDATION_DELAY = dt.timedelta(hours=48)
THING_EXPIRY_DELAY = dt.timedelta(days=30)
THING_EXPIRY_REMINDER_BEFORE = dt.timedelta(days=7)
MAX_DUO_QUANTITY = 2
# The offerer's own words to the beneficiary when cancelling: a short note, not a letter.
CANCELLATION_MESSAGE_MAX_LENGTH = 500
AUTO_VALIDATOR_LABEL = "auto"


class CounterResult(models.TextChoices):
    VALIDATED = "VALIDATED", "Validée"
    CHECKED = "CHECKED", "Consultée"
    UNDONE = "UNDONE", "Validation annulée"
    CANCELLED = "CANCELLED", "Annulée"
    REFUSED = "REFUSED", "Refusée"


class CounterChannel(models.TextChoices):
    """Where a counter attempt came from: the pro portal's counter page, ticketing software with an
    offerer's key (API v2), or a ticketing provider's key (the public API, /public/bookings/v1)."""

    COUNTER = "COUNTER", "Guichet"
    API_V2 = "API_V2", "API v2"
    PUBLIC_API = "PUBLIC_API", "API logiciel de billetterie"
