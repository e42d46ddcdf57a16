"""Small middlewares: the health probe, the Permissions-Policy header, private caching,
and the signed-in user's time zone. Views marked `backrelief.decorators.same_for_everyone`
are never personalised by them."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from sessions.time_zone import zone_name

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


def private_when_signed_in(get_response: Handler) -> Handler:
    """`Cache-Control: private, no-store` on every response to a signed-in request.

    A signed-in page shows someone's own data (history, the calendar link, the
    CSV); on a shared phone Back after logout must not bring it back from a
    cache, and no shared cache may keep it. "Signed in" is read from a session
    that the view or a middleware already loaded, so it costs no query, and
    views marked `same_for_everyone` (the service worker, the offline page),
    which never load the session, stay shared. Merged into any Cache-Control a
    view set: `private` replaces `public`, and never_cache's is already so.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


class UserTimeZoneMiddleware:
    """Dates and times in the signed-in user's own time zone, on every page.

    Activates the zone they chose (`sessions.time_zone` keeps its name in the
    login session, so a page costs no query for it) for the view, and reads
    the session only for views that may use it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if getattr(view_func, "same_for_everyone", False):
            return
        name = zone_name(request)
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone the tz database no longer knows: the default, not a 500
        if zone is not None:
            timezone.activate(zone)
