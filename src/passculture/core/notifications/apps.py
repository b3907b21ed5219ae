from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "passculture.core.notifications"
    label = "notifications"
    verbose_name = "E-mails"
    default_auto_field = "django.db.models.BigAutoField"
