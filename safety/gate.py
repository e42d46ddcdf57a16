"""The safety gate in front of every guided session.

The contract the guided-session views rely on:

``safety_redirect(request) -> HttpResponse | None``
    For a signed-in user, the first of these that applies:

    1. they have not acknowledged the current disclaimer version (the highest
       published one; every version they acknowledged counts, so unpublishing a
       newer one never asks again for an older one they read): a redirect to
       ``safety:disclaimer?next=<request.get_full_path()>``;
    2. they have never answered the red-flag screen: a redirect to
       ``safety:screening?next=…``;
    3. any screening answered today had a "yes" to an emergency or today sign
       (``models.URGENCY``), whatever was answered after it: a redirect to
       ``safety:screening_result``, the urgent-care page, which leads with
       the most urgent sign given. No guided session for the rest of the day.
       "Today" is the person's own day:
       ``ops.middleware.UserTimeZoneMiddleware`` activates their time zone for
       every view (the site's TIME_ZONE, UTC by default, until they choose one);
    4. their latest screening answered an older question set than
       ``models.QUESTIONS_VERSION``: a redirect to ``safety:screening?next=…``,
       to answer the new set once;
    5. their latest "yes" was on an earlier day and they have not answered
       since that day: a redirect to ``safety:screening?next=…``, to answer
       again before training;
    6. they answered "yes" to a lasting fact (having had cancer, say) and have
       not recorded since that a doctor or physio said these exercises are fine
       for them: a redirect to ``safety:clearance?next=…``, which asks them
       to check first and takes that record;

    otherwise ``None``: go ahead. An anonymous request also gets ``None``;
    use ``safety_gate_required`` (or ``login_required``) for those. No query:
    the inputs are on the user row (``User.refresh_safety_state`` keeps them in
    step with the records), and the current disclaimer is kept in the process
    under the site version on that row (``models.site_rows_for``).

``@safety_gate_required``
    ``login_required`` and then the checks above, for a view.

``safety:screening?next=<path>``
    The red-flag screen, any time (e.g. when pain is reported high). No "yes"
    to an emergency or today sign goes on through the gate to ``next`` (a path
    on this site; anything else is ignored), any such "yes" to the urgent-care
    page. The lasting facts are asked until one is answered yes (a "yes" is
    kept); after a clinician's go-ahead only when the person says something
    has changed (``?changed=1``). After a "yes" today the page
    itself leads to the urgent-care page; answers posted anyway are recorded
    and change nothing until tomorrow. The disclaimer page takes ``next`` the
    same way.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import safety_status, site_rows_for


def safety_redirect(request: HttpRequest) -> HttpResponse | None:
    """Where a user must go before a guided session, or None if they may start."""
    if not request.user.is_authenticated:
        return None
    return gate_redirect(request.user, request.get_full_path())


def safety_gate_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign in, acknowledge the disclaimer and pass the red-flag screen before this view."""

    @wraps(view)
    def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return safety_redirect(request) or view(request, *args, **kwargs)

    return login_required(gated)


def gate_redirect(user, next_url: str) -> HttpResponse | None:
    """The gate for `user`, sending them on to `next_url` once they are through."""
    status = safety_status(user, site_rows_for(user).disclaimer)
    if not status.acknowledged_current_disclaimer:
        return _redirect_with_next("safety:disclaimer", next_url)
    if not status.has_screening:
        return _redirect_with_next("safety:screening", next_url)
    if status.red_flag_today:
        return redirect("safety:screening_result")
    if status.asks_new_questions or status.must_answer_again:
        return _redirect_with_next("safety:screening", next_url)
    if status.needs_clearance:
        return _redirect_with_next("safety:clearance", next_url)
    return None


def continue_to(user, next_url: str) -> HttpResponse:
    """After one step of the gate: the next step it needs, or `next_url` if none."""
    return gate_redirect(user, next_url) or HttpResponseRedirect(next_url)


def answered_safety_questions_before_today(user) -> bool:
    """Whether `user` last answered the questions on an earlier day (the user row: no query).

    Someone who answered today was just asked; the start page asks the others,
    when they skip the pain score, whether anything is new.
    """
    answered = user.last_screening_at
    return answered is not None and timezone.localdate(answered) < timezone.localdate()


def next_url_from(request: HttpRequest) -> str:
    """The `next` parameter (POST, then GET) if it is a URL on this site, else the protocol."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default_next_url()


def default_next_url() -> str:
    """Where someone who passed the gate goes when nothing asked for a page: the featured
    protocol, by the URL that redirects to it (this app does not import protocols)."""
    return reverse("protocols:featured")


def _redirect_with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")
