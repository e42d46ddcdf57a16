"""Dates and times in the signed-in user's own time zone, on every page.

The zone's name rides in the session: put there at sign-in (`remember_time_zone`,
connected in apps.py) and whenever the user changes it, so a page costs no
query for it. A session from before this existed looks it up once.
"""

from __future__ import annotations

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SESSION_KEY = "training_time_zone"


def remember_time_zone(request: HttpRequest, name: str) -> None:
    """Keep the user's zone for their next requests ("" means not chosen)."""
    request.session[SESSION_KEY] = name


def chosen_time_zone(request: HttpRequest) -> str:
    """The zone this user chose, or "" if they have not chosen one yet."""
    return request.session.get(SESSION_KEY) or ""


def remember_time_zone_at_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    from .models import TrainingPreferences

    if request is not None and hasattr(request, "session"):
        remember_time_zone(request, TrainingPreferences.for_user(user).time_zone)


def same_for_everyone(view):
    """Mark a view whose response never depends on who asks (the offline page,
    the service worker): the middleware leaves the session alone for it, so
    the response does not vary on the cookie."""
    view.same_for_everyone = True
    return view


class UserTimeZoneMiddleware:
    """Activates the user's zone for the view; reads the session only for views that may use it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if getattr(view_func, "same_for_everyone", False):
            return
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if name is None and hasattr(request, "user") and request.user.is_authenticated:
            from .models import TrainingPreferences

            name = TrainingPreferences.for_user(request.user).time_zone
            remember_time_zone(request, name)
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone the tz database no longer knows: the default, not a 500
        if zone is not None:
            timezone.activate(zone)
