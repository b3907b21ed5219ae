"""Celery wiring. With no broker configured, tasks run eagerly in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passculture.settings")

app = Celery("passculture")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
