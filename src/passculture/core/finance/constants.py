from django.db import models


class BankAccountStatus(models.TextChoices):
    DRAFT = "DRAFT", "Brouillon"
    PENDING = "PENDING", "En attente de validation"
    ACCEPTED = "ACCEPTED", "Validées"
    REJECTED = "REJECTED", "Refusées"


# The creditor name of a SEPA credit transfer (pain.001) holds at most 70 characters.
HOLDER_MAX_LENGTH = 70
REJECTION_REASON_MAX_LENGTH = 1000

# Banks of the French overseas departments and collectivities use French IBANs (FR...) but BICs with
# their territory's ISO code (e.g. BDAFGPGP for Guadeloupe): those BICs are consistent with an FR IBAN.
FRENCH_TERRITORIES_BIC_COUNTRIES = frozenset(
    {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF"}
)
