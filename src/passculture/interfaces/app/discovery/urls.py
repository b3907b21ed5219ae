from django.urls import path

from . import film, search_page

urlpatterns = [
    path("recherche/", search_page.search_page, name="search"),
    path("films/<int:film_id>/", film.film_page, name="film"),
    # Every link made before films existed: a film's showing redirects to the film's page.
    path("offres/<int:offer_id>/", film.offer_page, name="offer"),
]
