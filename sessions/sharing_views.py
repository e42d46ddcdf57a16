"""Sharing a training record with a practitioner: the person's pages and the shared ones.

Signed in, under /history/share/ (`sharing:…`): the person's links, a new
one (its secret shown this once, with a QR code), revoking one, and a PDF of
their own record. Without a sign-in, under /shared/<token>/ (`shared:…`):
the record a link opens and its PDF. Those are throttled per client, and
anything but an active link's token (expired, revoked, unknown, mangled) gets
the same 404, which names nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from accounts import throttles
from backrelief.decorators import same_for_everyone

from .models.sharing import MAX_ACTIVE_LINKS, ShareLink
from .record_pdf import pdf_from_html
from .shared_record import record_zone, shared_record
from .sharing_forms import ShareLinkForm, ShareOptionsForm

# Notes are cut here in the PDF (the page shows them whole), so that 20 sessions
# with long notes still fit on two A4 pages.
PDF_NOTE_CHARACTERS = 80


def _no_store(response: HttpResponse) -> HttpResponse:
    """Kept by no cache (a new link's page shows its secret)."""
    patch_cache_control(response, no_store=True, private=True)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """For what a link opens: kept by no cache, its address sent on to no other site,
    listed by no search engine. (Not on the person's own pages: a form posted from
    a no-referrer page says `Origin: null`, which CSRF protection rightly refuses.)"""
    _no_store(response)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _name_of(user) -> str:
    return user.get_full_name() or ""


def _get_link_for_user(request: HttpRequest, link_id: int) -> ShareLink:
    """The signed-in user's link; anyone else's is a 404."""
    return get_object_or_404(ShareLink.objects.for_user(request.user), pk=link_id)


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as inline SVG markup (segno; no style attribute, CSP-safe).

    segno writes only the symbol's path: no text of ours, so nothing to escape.
    """
    markup = segno.make(url, error="m").svg_inline(
        scale=6, border=4, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )
    return mark_safe(markup)  # noqa: S308 (segno's path data, no text)


def _record_pdf_response(request: HttpRequest, user, options: dict) -> HttpResponse:
    with timezone.override(record_zone(user)):
        context = shared_record(user, **options) | {"note_limit": PDF_NOTE_CHARACTERS}
        html = render_to_string("sharing/record_pdf.html", context, request=request)
        filename = f"back-relief-record-{context['today']:%Y-%m-%d}.pdf"
    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@login_required
def links(request: HttpRequest) -> HttpResponse:
    """The person's links (GET), or a new one (POST), whose secret this response shows once."""
    own = ShareLink.objects.for_user(request.user)
    form = ShareLinkForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": _name_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        if own.active().count() >= MAX_ACTIVE_LINKS:
            form.add_error(
                None,
                f"You have {MAX_ACTIVE_LINKS} links that still work: revoke one you no longer "
                "need, then make this one.",
            )
        else:
            data = form.cleaned_data
            link, token = ShareLink.create_for(
                request.user,
                label=data["label"],
                display_name=data["display_name"],
                days=data["expiry_days"],
                include_notes=data["include_notes"],
                include_safety=data["include_safety"],
            )
            url = request.build_absolute_uri(reverse("shared:record", args=[token]))
            # Rendered, not redirected: the secret exists only in this response.
            response = render(
                request,
                "sharing/created.html",
                {"link": link, "url": url, "qr": qr_svg(url)},
            )
            return _no_store(response)
    return _no_store(
        render(
            request,
            "sharing/links.html",
            {
                "form": form,
                "links": list(own[:100]),
                "pdf_form": ShareOptionsForm(
                    initial={"display_name": _name_of(request.user)}, auto_id="pdf_%s"
                ),
            },
            status=400 if form.errors else 200,
        )
    )


@require_POST
@login_required
def revoke(request: HttpRequest, link_id: int) -> HttpResponse:
    link = _get_link_for_user(request, link_id)
    link.revoke()
    messages.success(request, f"“{link.label}” no longer works. Anyone who opens it sees nothing.")
    return redirect("sharing:links")


@login_required
def own_pdf(request: HttpRequest) -> HttpResponse:
    """The person's own record as a PDF, with the options they ticked (defaults as for a link)."""
    # Without a query (History's link): the defaults a new link has, and the account's name.
    defaults = {"display_name": _name_of(request.user), "include_safety": "on"}
    form = ShareOptionsForm(request.GET or defaults)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("sharing:links")
    options = form.cleaned_data
    # The person with their summary and settings in one query, as a link loads them.
    person = (
        get_user_model()
        .objects.select_related("progress_summary", "training_preferences")
        .get(pk=request.user.pk)
    )
    return _record_pdf_response(request, person, options)


# --- Without a sign-in: what a link opens ------------------------------------


def _shared_lookup(request: HttpRequest, token: str) -> ShareLink | HttpResponse:
    """The active link `token` opens, counted as a visit; else the 429 or the one 404."""
    client = throttles.ip_group(throttles.client_ip(request))
    wait = throttles.hit(throttles.SHARE_PER_IP, client)
    if wait is not None:
        return _private(throttles.too_many_requests(request, wait, "sharing/throttled.html"))
    link = ShareLink.find(token)
    if link is None:
        return _private(render(request, "sharing/not_found.html", status=404))
    link.record_open()
    return link


def _shared(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Throttle per client, find the active link or answer the one 404, count the visit.

    What a link opens depends on the link, never on who opens it (its dates are
    in the person's own zone, `record_zone`): `same_for_everyone`, so a visitor
    who happens to be signed in costs no read of their login session.
    """

    @same_for_everyone
    @wraps(view)
    def shared_view(request: HttpRequest, token: str) -> HttpResponse:
        found = _shared_lookup(request, token)
        if isinstance(found, HttpResponse):
            return found
        return _private(view(request, found, token))

    return shared_view


def _options(link: ShareLink) -> dict:
    return {
        "display_name": link.display_name,
        "include_notes": link.include_notes,
        "include_safety": link.include_safety,
    }


@_shared
def record(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    with timezone.override(record_zone(link.user)):
        context = shared_record(link.user, **_options(link))
        context |= {"link": link, "pdf_url": reverse("shared:pdf", args=[token])}
        return render(request, "sharing/record.html", context)


@_shared
def record_pdf(request: HttpRequest, link: ShareLink, token: str) -> HttpResponse:
    return _record_pdf_response(request, link.user, _options(link))


def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under /shared/ (no token, extra parts): the same throttled 404."""
    return _shared_lookup(request, "")
