from django.urls import path

from . import docs
from .api import bookings_api, offers_api

urlpatterns = [
    path("docs", docs.docs_page, name="public-api-docs"),
    path("offers/v1/", offers_api.urls),
    path("bookings/v1/", bookings_api.urls),
]
