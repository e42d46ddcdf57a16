"""Fuzzing the sharing pages: tokens, mangled and made up; link forms; revoke ids; PDF options.

Alice has a history and two links (one of them revoked); bob has his own
link. Each case checks the usual promises (no server error, no redirect off
the site, nothing of bob's changed) and the sharing ones: only an active
link's exact token opens a record, and anything else is the one 404.
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from sessions.models import ShareLink
from tests.fuzz_helpers import checked, field_values, footprint, fuzz_case
from tests.history_helpers import past_session

pytestmark = pytest.mark.django_db

LINKS = reverse("sharing:links")
OWN_PDF = reverse("sharing:own_pdf")
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


@pytest.fixture
def people(alice, bob, protocol) -> dict:
    past_session(alice, timezone.now() - timedelta(days=1), pain_before=5, pain_after=3)
    _, working = ShareLink.create_for(alice, label="physio", display_name="Alice", days=30)
    revoked_link, revoked = ShareLink.create_for(alice, label="old", display_name="A", days=7)
    revoked_link.revoke()
    _, bobs = ShareLink.create_for(bob, label="GP", display_name="Bob", days=7)
    clients = {"nobody": Client(), "alice": Client(), "bob": Client()}
    clients["alice"].force_login(alice)
    clients["bob"].force_login(bob)
    return {"clients": clients, "working": working, "revoked": revoked, "bobs": bobs}


def mangled(token: str):
    return st.sampled_from(
        [token[:-1], token[:20], token + "a", token.upper(), token.lower(), token[1:],
         "-" + token[1:], token[::-1], token + "/", token.replace("-", "+"), token + "%00"]
    )  # fmt: skip


@given(data=st.data())
def test_shared_urls_with_any_token(people, bob, data):
    working, revoked, bobs = people["working"], people["revoked"], people["bobs"]
    token = data.draw(
        st.one_of(
            st.sampled_from([working, revoked, bobs]),
            mangled(working),
            st.text(alphabet=TOKEN_ALPHABET, min_size=43, max_size=43),
            st.text(alphabet=TOKEN_ALPHABET, max_size=80),
            st.text(max_size=70),
            field_values,
        ),
        label="token",
    )
    fuzz_case()  # counted once its input is drawn
    caches["throttle"].clear()  # each case is a fresh visitor
    before = footprint(bob)
    opens = token in (working, bobs)
    event("a working token" if opens else "anything else")
    quoted = quote(token, safe="")
    for client in people["clients"].values():  # the token alone decides
        response = checked(client.get(f"/shared/{quoted}/"))
        assert response.status_code == (200 if opens else 404), token
        assert "no-store" in response["Cache-Control"]
        if not opens:
            pdf = checked(client.get(f"/shared/{quoted}/record.pdf"))
            assert pdf.status_code == 404
    assert footprint(bob)["user"] == before["user"]
    assert footprint(bob)["sessions"] == before["sessions"]


link_forms = st.fixed_dictionaries(
    {},
    optional={
        "label": field_values,
        "expiry_days": field_values | st.sampled_from(["7", "30", "90", "31", "-7", "7.0"]),
        "display_name": field_values | st.sampled_from(["a@b", "Dr. Who", "  ", "Zoë"]),
        "include_notes": field_values,
        "include_safety": field_values,
    },
)


@given(form=link_forms)
def test_link_form_with_any_fields(people, alice, bob, form):
    fuzz_case()
    before = footprint(bob)
    count = ShareLink.objects.filter(user=alice).count()
    assert checked(people["clients"]["nobody"].post(LINKS, form)).status_code == 302
    response = checked(people["clients"]["alice"].post(LINKS, form))
    event(f"new link: {response.status_code}")
    made = ShareLink.objects.filter(user=alice).count() - count
    assert made == (1 if response.status_code == 200 else 0)
    if made:
        link = ShareLink.objects.filter(user=alice).latest("created_at")
        assert (link.expires_at - link.created_at).days in (7, 30, 90)
        assert link.label.strip() and "@" not in link.display_name
    assert footprint(bob) == before


@given(data=st.data())
def test_revoke_with_any_link_id(people, alice, bob, data):
    ids = dict(ShareLink.objects.values_list("pk", "user_id"))
    link_id = data.draw(
        st.sampled_from(sorted(ids)) | st.integers(min_value=0, max_value=2**80), label="id"
    )
    fuzz_case()
    before = footprint(bob)
    url = f"/history/share/{link_id}/revoke/"
    assert checked(people["clients"]["nobody"].post(url)).status_code == 302
    response = checked(people["clients"]["alice"].post(url))
    assert response.status_code == (302 if ids.get(link_id) == alice.pk else 404)
    assert footprint(bob) == before


@pytest.mark.slow  # every case renders a PDF
@given(query=st.dictionaries(
    st.sampled_from(["display_name", "include_notes", "include_safety", "x"]), field_values,
    max_size=3,
))  # fmt: skip
def test_own_pdf_with_any_options(people, alice, bob, query):
    fuzz_case()
    before = footprint(bob)
    assert checked(people["clients"]["nobody"].get(OWN_PDF, query)).status_code == 302
    response = checked(people["clients"]["alice"].get(OWN_PDF, query))
    event(f"own pdf: {response.status_code}")
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF-")
    else:
        assert response.status_code == 302 and response["Location"] == LINKS
    assert footprint(bob) == before
