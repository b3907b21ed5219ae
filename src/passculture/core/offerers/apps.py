from django.apps import AppConfig


class OfferersConfig(AppConfig):
    name = "passculture.core.offerers"
    label = "offerers"
    verbose_name = "Structures et lieux"
    default_auto_field = "django.db.models.BigAutoField"
