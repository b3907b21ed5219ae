"""The beneficiaries' web app at /: each part owns its URL module (names live in the app namespace)."""

from django.urls import include, path

from . import views
from .accounts import urls as accounts_urls
from .bookings import urls as bookings_urls
from .discovery import urls as discovery_urls
from .favourites import urls as favourites_urls
from .identity import urls as identity_urls
from .legal import urls as legal_urls
from .pwa import urls as pwa_urls
from .venues import urls as venues_urls

app_name = "app"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include(accounts_urls)),
    path("", include(identity_urls)),
    path("", include(discovery_urls)),
    path("", include(bookings_urls)),
    path("", include(pwa_urls)),
    path("", include(venues_urls)),
    path("", include(favourites_urls)),
    path("", include(legal_urls)),
]
