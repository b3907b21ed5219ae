from django.db import models


class Role(models.TextChoices):
    BENEFICIARY = "BENEFICIARY", "Bénéficiaire"
    PRO = "PRO", "Professionnel"
    STAFF = "STAFF", "Équipe pass Culture"


ELIGIBLE_AGE = 18
