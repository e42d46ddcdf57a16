"""The zone a user chose (a training preference), remembered in their login session.

`ops.middleware.UserTimeZoneMiddleware` shows every page's dates and times in
it. Its name rides in the login session so that a page costs no query for it:
looked up once, on the first page that needs it after signing in, and put
there again whenever the user changes it.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import TrainingPreferences

SESSION_KEY = "training_time_zone"


def remember_time_zone(request: HttpRequest, name: str) -> None:
    """Keep the user's zone for their next requests ("" means not chosen)."""
    request.session[SESSION_KEY] = name


def chosen_time_zone(request: HttpRequest) -> str:
    """The zone this user chose, or "" if they have not chosen one yet."""
    return request.session.get(SESSION_KEY) or ""


def zone_name(request: HttpRequest) -> str | None:
    """The name of the zone to show this request in: "" when not chosen, None for nobody.

    Read from the login session; looked up (one query) and remembered when the
    session has none yet.
    """
    name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if name is None and hasattr(request, "user") and request.user.is_authenticated:
        name = TrainingPreferences.for_user(request.user).time_zone
        remember_time_zone(request, name)
    return name
