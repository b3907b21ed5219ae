from django.urls import path

from . import views

urlpatterns = [
    path("offres/<int:offer_id>/", views.offer_page, name="offer"),
]
