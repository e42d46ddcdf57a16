from django.http import HttpRequest

from accounts.models import SiteConfiguration


def site(request: HttpRequest) -> dict:
    """What every page's footer needs: where to find a skilled practitioner.

    The admin's site configuration wins where it is filled in; otherwise the
    REFERRAL_URL and REFERRAL_NAME settings. Cached, so a page costs no query.
    """
    referral_url, referral_name = SiteConfiguration.load().referral
    return {"referral_url": referral_url, "referral_name": referral_name}
