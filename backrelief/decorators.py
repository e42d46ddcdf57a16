"""A mark for views, shared by every app; it imports no app, so any app may use it."""


def same_for_everyone(view):
    """Mark a view whose response never depends on who asks (the offline page,
    the service worker, coaches' media): `ops.middleware.UserTimeZoneMiddleware`
    leaves the session alone for it, so the response does not vary on the
    cookie, and `ops.middleware.private_when_signed_in` leaves it shared."""
    view.same_for_everyone = True
    return view
