from django.urls import path

from .api import bookings_api, offers_api

urlpatterns = [
    path("offers/v1/", offers_api.urls),
    path("bookings/v1/", bookings_api.urls),
]
