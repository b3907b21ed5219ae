"""The site's URLs plus views that fail on purpose, under each audience's prefix (tests of error_pages.py)."""

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from passculture.urls import handler400, handler403, handler404, handler500
from passculture.urls import urlpatterns as site_patterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fail(request, status):
    if status == 400:
        raise BadRequest("test")
    if status == 401:  # a suspicious operation is a 400 too
        raise SuspiciousOperation("test")
    if status == 403:
        raise PermissionDenied
    if status == 404:
        raise Http404("test")
    raise RuntimeError("test crash")


urlpatterns = [
    path("echec/<int:status>/", fail),
    path("pro/echec/<int:status>/", fail),
    path("backoffice/echec/<int:status>/", fail),
    path("api/native/v1/echec/<int:status>/", fail),
    *site_patterns,
]
