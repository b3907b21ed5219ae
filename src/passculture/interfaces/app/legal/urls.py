from django.urls import path

from . import views

urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notices, name="legal_notices"),
]
