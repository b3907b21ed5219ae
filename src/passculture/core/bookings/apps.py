from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "passculture.core.bookings"
    label = "bookings"
    verbose_name = "Réservations"
    default_auto_field = "django.db.models.BigAutoField"
