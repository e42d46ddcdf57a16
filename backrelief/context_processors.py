from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's footer needs: where to find a skilled practitioner."""
    return {
        "referral_url": settings.REFERRAL_URL,
        "referral_name": settings.REFERRAL_NAME,
    }
