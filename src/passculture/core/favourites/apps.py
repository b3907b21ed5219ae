from django.apps import AppConfig


class FavouritesConfig(AppConfig):
    name = "passculture.core.favourites"
    label = "favourites"
    default_auto_field = "django.db.models.BigAutoField"
