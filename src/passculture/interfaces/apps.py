from django.apps import AppConfig


class InterfacesConfig(AppConfig):
    """What every interface shares at start-up: the checks of every form field (inputs.py)."""

    name = "passculture.interfaces"
    label = "interfaces"

    def ready(self) -> None:
        from .inputs import install

        install()
