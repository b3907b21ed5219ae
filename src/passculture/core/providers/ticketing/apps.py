from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "passculture.core.providers.ticketing"
    label = "ticketing"
    verbose_name = "Logiciels de billetterie"
    default_auto_field = "django.db.models.BigAutoField"
