from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, lazy

from .models import site_rows_for


def site(request: HttpRequest) -> dict:
    """What every page's footer needs: where to find a skilled practitioner.

    The admin's site configuration wins where it is filled in; otherwise the
    REFERRAL_URL and REFERRAL_NAME settings. Read when the page first shows
    it (the footer, after the menu has asked who is signed in): no query then
    for a signed-in person once this process has read the configuration for
    the site version on their row (`site_rows_for`). A page that never asks
    who is signed in (a shared record) is not made to: the user is taken only
    from where Django's AuthenticationMiddleware keeps the one it loaded.
    """
    referral = SimpleLazyObject(
        lambda: site_rows_for(getattr(request, "_cached_user", None)).configuration.referral
    )
    return {"referral_url": _part(referral, 0), "referral_name": _part(referral, 1)}


# Made once: lazy() builds a class each time it is called.
_part = lazy(lambda referral, index: referral[index], str)
