from django.urls import path

from . import views

urlpatterns = [
    path("identite/", views.identity, name="identity"),
]
