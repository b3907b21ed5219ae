from django.apps import AppConfig


class FavouritesConfig(AppConfig):
    name = "passculture.core.favourites"
    label = "favourites"
    verbose_name = "Favoris"
    default_auto_field = "django.db.models.BigAutoField"
