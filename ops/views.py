"""The installable shell: the service worker and the page it shows offline."""

from __future__ import annotations

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from backrelief.decorators import same_for_everyone
from protocols.illustrations import ILLUSTRATIONS, illustration_svg

# What the service worker keeps for offline use: the offline page and the
# static files it needs. Nothing here may depend on who is signed in.
SHELL_STATIC_FILES = [
    "vendor/bootstrap/bootstrap.min.css",
    "css/app.css",
    "icons/icon.svg",
]


@require_safe
@same_for_everyone
def service_worker(request: HttpRequest) -> HttpResponse:
    """`/sw.js`: served from the root so that it may control every page."""
    urls, version = _shell()
    body = render_to_string(
        "ops/sw.js",
        {"precache_json": json.dumps(urls), "version": version, "offline_url": urls[0]},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigation; always ask the server.
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_safe
@same_for_everyone
@gzip_page
def offline(request: HttpRequest) -> HttpResponse:
    """The page the service worker shows when a page cannot be fetched.

    Rendered without the request, so it is the same for everyone: it is
    cached on the phone, and a cached page must never hold personal data.
    Compressed, as the session screens are: it holds no secret for BREACH to
    find, and its seven drawings shrink to a fraction of their size.
    """
    response = HttpResponse(_offline_html())
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


def _offline_html() -> str:
    # Every built-in picture, still: offline, a person in the middle of a
    # session still sees how the next movement goes. Drawn from code, not
    # from anyone's data, so the page stays the same for everyone.
    movements = [
        (illustration.title, illustration_svg(slug, "offline"))
        for slug, illustration in ILLUSTRATIONS.items()
    ]
    return render_to_string("ops/offline.html", {"movements": movements})


def _shell() -> tuple[list[str], str]:
    """The URLs to precache and a version that changes whenever any of them does.

    In production the static URLs carry content hashes already; the version
    also covers the offline page and, for development, the files' bytes.
    """
    if settings.DEBUG:
        return _build_shell()
    return _cached_shell()


def _build_shell() -> tuple[list[str], str]:
    urls = [reverse("ops:offline"), *(static(path) for path in SHELL_STATIC_FILES)]
    digest = hashlib.sha256(json.dumps(urls).encode())
    digest.update(_offline_html().encode())
    for path in SHELL_STATIC_FILES:
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return urls, digest.hexdigest()[:16]


_cached_shell = functools.cache(_build_shell)
