"""What a signed-in person saw stays theirs: no cache keeps it, and logout clears the browser's.

On a shared phone, Back after logout must not show the last person's history.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache

from ops.middleware import private_when_signed_in


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", ["list", "print", "settings", "export_csv"])
def test_history_pages_are_private_and_never_stored(signed_in, name):
    response = signed_in.get(reverse(f"history:{name}"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_guided_step_is_private_and_never_stored(signed_in, alice_session):
    response = signed_in.get(reverse("training_sessions:session", args=[alice_session.pk]))
    assert response.status_code == 200
    assert "Done" in response.content.decode()
    assert {"private", "no-store"} <= cache_directives(response)


def test_the_landing_page_for_a_visitor_may_be_cached(client, protocol):
    response = client.get(reverse("protocols:home"))
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert "private" not in cache_directives(response)


def test_the_landing_page_signed_in_is_private(signed_in, protocol):
    """It greets the person and links their history."""
    response = signed_in.get(reverse("protocols:home"))
    assert {"private", "no-store"} <= cache_directives(response)


@pytest.mark.parametrize("url", ["/sw.js", "/offline/"])
def test_the_shell_stays_the_same_for_everyone(signed_in, url):
    """The worker and the offline page are shared: revalidated, not made private."""
    response = signed_in.get(url)
    assert response.status_code == 200
    directives = cache_directives(response)
    assert "no-cache" in directives
    assert "private" not in directives
    assert "no-store" not in directives


def test_a_views_own_cache_control_is_made_private_not_contradicted(signed_in, rf):
    @cache_control(public=True, max_age=600)
    def public_view(request):
        return HttpResponse("shared")

    request = rf.get("/")
    request.session = signed_in.session
    assert request.session.get(SESSION_KEY)  # read, as AuthenticationMiddleware does
    directives = cache_directives(private_when_signed_in(public_view)(request))
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_never_cache_is_left_as_it_is(signed_in, rf):
    @never_cache
    def uncached_view(request):
        return HttpResponse("fresh")

    request = rf.get("/")
    request.session = signed_in.session
    assert request.session.get(SESSION_KEY)
    before = uncached_view(request)["Cache-Control"]
    assert private_when_signed_in(uncached_view)(request)["Cache-Control"] == before


def test_logout_clears_the_browsers_cache(signed_in):
    response = signed_in.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
