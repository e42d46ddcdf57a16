"""The site's URLs plus views that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import path

from backrelief.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest):
    raise RuntimeError("boom: a bug in a view")


def forbidden(request: HttpRequest):
    raise PermissionDenied


urlpatterns = [
    *site_urlpatterns,
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
]
