from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "passculture.core.jobs"
    label = "jobs"
    verbose_name = "Tâches planifiées"
    default_auto_field = "django.db.models.BigAutoField"
