from django.apps import AppConfig


class AllocineConfig(AppConfig):
    name = "passculture.core.providers.allocine"
    label = "allocine"
    verbose_name = "AlloCiné"
    default_auto_field = "django.db.models.BigAutoField"
