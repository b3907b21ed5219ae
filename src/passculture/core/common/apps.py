from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "passculture.core.common"
    label = "common"
    verbose_name = "Journal"
    default_auto_field = "django.db.models.BigAutoField"
