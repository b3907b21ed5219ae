from django.urls import path

from . import docs
from .api import api

urlpatterns = [
    path("docs", docs.docs_page, name="api-v2-docs"),
    path("", api.urls),
]
