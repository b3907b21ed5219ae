from django.apps import AppConfig


class OfferersConfig(AppConfig):
    name = "passculture.core.offerers"
    label = "offerers"
    default_auto_field = "django.db.models.BigAutoField"
