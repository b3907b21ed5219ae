from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "passculture.core.finance"
    label = "finance"
    verbose_name = "Remboursements"
    default_auto_field = "django.db.models.BigAutoField"
