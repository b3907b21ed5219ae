"""The pro portal at /pro/. Each area adds its routes here (one line each)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "pro"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Auth (the sign-up area replaces these with rate-limited views).
    path("connexion/", auth_views.LoginView.as_view(template_name="pro/login.html"), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(next_page="pro:login"), name="logout"),
    path("inscription/", views.dashboard, name="signup"),
    path("structure/<int:offerer_id>/choisir/", views.switch_offerer, name="switch-offerer"),
]
