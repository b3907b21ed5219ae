from django.urls import path

from . import views

urlpatterns = [
    path("favoris/", views.favourites, name="favourites"),
    path("favoris/films/<int:film_id>/", views.toggle_film, name="favourite_film"),
    path("favoris/cinemas/<int:venue_id>/", views.toggle_venue, name="favourite_venue"),
]
