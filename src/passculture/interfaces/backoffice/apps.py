from django.apps import AppConfig


class BackofficeInterfaceConfig(AppConfig):
    name = "passculture.interfaces.backoffice"
    label = "backoffice_interface"
