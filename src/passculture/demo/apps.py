from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "passculture.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
