from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "passculture.core.notifications"
    label = "notifications"
    verbose_name = "E-mails"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the VAPID key checks
