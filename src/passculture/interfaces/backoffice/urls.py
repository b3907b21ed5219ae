"""Staff pages beside the Django admin (validation queues). Mounted at /backoffice/ before the admin."""

from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("files/", views.queues, name="queues"),
]
