from django.urls import path

from . import views

urlpatterns = [
    path("cinemas/<int:venue_id>/", views.venue_page, name="venue"),
    path("carte/", views.map_page, name="map"),
]
