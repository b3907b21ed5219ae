from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "passculture.core.credit"
    label = "credit"
    verbose_name = "Crédit"
    default_auto_field = "django.db.models.BigAutoField"
