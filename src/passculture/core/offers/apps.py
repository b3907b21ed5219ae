from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "passculture.core.offers"
    label = "offers"
    verbose_name = "Offres"
    default_auto_field = "django.db.models.BigAutoField"
