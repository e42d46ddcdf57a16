from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from backrelief.decorators import same_for_everyone


@same_for_everyone
def trivial(request: HttpRequest) -> HttpResponse:
    """The yardstick: a response through the full middleware stack, nothing else.

    Marked like the offline page, so no middleware loads the login session
    for it: a yardstick that did database work would flatter the ratio.
    """
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    """The floor under any signed-in page: who is asking (login session, user), nothing else."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/signed-in/", signed_in),
    path("", include("backrelief.urls")),
]
