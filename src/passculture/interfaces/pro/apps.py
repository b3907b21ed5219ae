from django.apps import AppConfig


class ProInterfaceConfig(AppConfig):
    name = "passculture.interfaces.pro"
    label = "pro_interface"
