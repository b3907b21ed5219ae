from django.urls import path

from . import views

app_name = "app"
urlpatterns = [
    path("", views.home, name="home"),
    # Placeholder: the pro portal replaces it (include interfaces/pro before this app in urls.py).
    path("pro/", views.pro_coming_soon, name="pro-coming-soon"),
]
