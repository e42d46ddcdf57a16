"""Two small middlewares: the health probe and the Permissions-Policy header."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]


def health_check(get_response: Handler) -> Handler:
    """Answer `/healthz` with 200 `ok` when the database answers, else 503.

    It sits just below SecurityMiddleware so the probe needs no session, no
    CSRF token and no valid Host header: load balancers probe a replica by
    its IP address, which ALLOWED_HOSTS rightly refuses everywhere else.
    SECURE_REDIRECT_EXEMPT lets their plain-HTTP probe through.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as error:
            logger.error("Health check failed: %s", error)
            response = HttpResponse("database unavailable\n", status=503)
            # Logged once above. A probe fails every few seconds while the
            # database is down: Django's own 5xx log would mail the admins
            # for each one.
            response._has_been_logged = True
        else:
            response = HttpResponse("ok\n")
        response["Content-Type"] = "text/plain; charset=utf-8"
        add_never_cache_headers(response)
        return response

    return middleware


def permissions_policy(get_response: Handler) -> Handler:
    """Turn off browser features the app never uses (camera, location, …)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
