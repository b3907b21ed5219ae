from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "passculture.core.identity"
    label = "identity"
    verbose_name = "Vérifications d'identité"
    default_auto_field = "django.db.models.BigAutoField"
