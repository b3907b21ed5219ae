from django.apps import AppConfig


class BackofficeInterfaceConfig(AppConfig):
    name = "passculture.interfaces.backoffice"
    label = "backoffice_interface"

    def ready(self) -> None:
        # Registers the deployment checks (passculture.checks) with Django's check framework.
        from passculture import checks  # noqa: F401
