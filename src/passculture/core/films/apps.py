from django.apps import AppConfig


class FilmsConfig(AppConfig):
    name = "passculture.core.films"
    label = "films"
    verbose_name = "Films"
    default_auto_field = "django.db.models.BigAutoField"
