from django.apps import AppConfig


class AppInterfaceConfig(AppConfig):
    name = "passculture.interfaces.app"
    label = "app_interface"
