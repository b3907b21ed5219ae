"""passculture: an open implementation of the French pass Culture for cinemas."""

from .celery import app as celery_app

__all__ = ["celery_app"]
