from django.apps import AppConfig


class FilmsConfig(AppConfig):
    name = "passculture.core.films"
    label = "films"
    default_auto_field = "django.db.models.BigAutoField"
