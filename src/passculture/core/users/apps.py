from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "passculture.core.users"
    label = "users"
    verbose_name = "Comptes"
    default_auto_field = "django.db.models.BigAutoField"
