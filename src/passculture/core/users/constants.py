from django.db import models


class Role(models.TextChoices):
    BENEFICIARY = "BENEFICIARY", "Bénéficiaire"
    PRO = "PRO", "Professionnel"
    STAFF = "STAFF", "Équipe pass Culture"


ELIGIBLE_AGE = 18
# French law lets a minor consent alone to the processing of their data from 15 (loi Informatique et
# Libertés, art. 45, the GDPR's "digital majority"): younger people cannot open an account by themselves.
MIN_SIGNUP_AGE = 15
# The oldest birth date we accept: anything before is a typo (1908 for 2008), not a person.
MIN_BIRTH_YEAR = 1900


class DeletionStatus(models.TextChoices):
    PENDING = "PENDING", "En attente d'anonymisation"
    ANONYMISED = "ANONYMISED", "Anonymisé"


# Between the request and the anonymisation: the time for support to undo a mistake or a stolen
# account's deletion, and for bookings kept (past their cancellation limit) to be used or refunded.
ANONYMISATION_DELAY_DAYS = 30
ANONYMISED_EMAIL_DOMAIN = "anonymise.passculture.invalid"  # .invalid: never deliverable (RFC 2606)
