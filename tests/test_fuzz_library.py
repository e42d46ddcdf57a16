"""Fuzzing the library's URLs and forms: any slug, pain, protocol or status.

The promises: never a server error; a draft or a retired protocol is never
started; a preview is for staff and leaves nothing behind; narrowing the
history changes nothing; admin never publishes a protocol with nothing in it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from protocols.models import Protocol
from sessions.models import ProgressSummary, TrainingSession
from tests.conftest import clear_safety_gate
from tests.fuzz_helpers import checked, field_values, footprint, fuzz_case, url_segments
from tests.library_helpers import make_protocol

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(protocol, alice, bob, coach, disclaimer):
    for person in (alice, bob, coach):
        clear_safety_gate(person)
    make_protocol("second", measure="seconds", reps=20)
    make_protocol("draft", status=Protocol.Status.DRAFT)
    make_protocol("retired", status=Protocol.Status.RETIRED)
    clients = {"nobody": Client(), "alice": Client(), "coach": Client()}
    clients["alice"].force_login(alice)
    clients["coach"].force_login(coach)
    return clients


slugs = st.one_of(
    st.sampled_from(["lower-back-relief", "second", "draft", "retired"]), url_segments
)


@given(slug=slugs, pain=field_values)
def test_starting_any_protocol_with_any_pain(library, alice, bob, slug, pain):
    fuzz_case()
    theirs = footprint(bob)
    url = reverse("training_sessions:start_protocol", args=[slug])
    for client in library.values():
        checked(client.get(url))
        checked(client.post(url, {"pain_before": pain}))
    started = set(TrainingSession.objects.values_list("protocol__status", flat=True))
    assert started <= {"published"}, "never a draft or a retired protocol"
    assert TrainingSession.objects.filter(user=alice).in_progress().count() <= 1
    assert footprint(bob) == theirs


@given(slug=slugs, pain=field_values)
def test_previewing_any_protocol(library, alice, coach, slug, pain):
    fuzz_case()
    before = {person.pk: footprint(person) for person in (alice,)}
    url = reverse("training_sessions:preview", args=[slug])
    for who, client in library.items():
        get, post = checked(client.get(url)), checked(client.post(url, {"pain_before": pain}))
        if who == "alice":
            assert (get.status_code, post.status_code) == (404, 404)
    assert {alice.pk: footprint(alice)} == before
    # The coach's preview, if one started, is the only session: none recorded.
    assert not TrainingSession.objects.filter(user=coach).exists()
    assert TrainingSession.all_objects.filter(user=coach).count() <= 1
    assert not ProgressSummary.objects.filter(user=coach).exists()


@given(value=field_values | st.integers(min_value=-5, max_value=10**6).map(str))
def test_history_narrowed_by_any_protocol(library, alice, bob, value):
    fuzz_case()
    before = {person.pk: footprint(person) for person in (alice, bob)}
    for client in library.values():
        response = checked(client.get(reverse("history:list"), {"protocol": value}))
        assert response.status_code in (200, 302)
    assert {person.pk: footprint(person) for person in (alice, bob)} == before


@given(
    status=field_values | st.sampled_from(["draft", "published", "retired"]),
    featured=st.sampled_from(["", "on", "x"]),
    name=field_values,
)
def test_the_protocol_admin_form_with_any_status(library, status, featured, name):
    fuzz_case()
    empty, _ = Protocol.objects.get_or_create(
        slug="empty", defaults={"name": "Empty", "summary": "Nothing yet."}
    )
    data = {
        "name": name,
        "slug": "empty",
        "summary": "Nothing yet.",
        "status": status,
        "circuits-TOTAL_FORMS": 0,
        "circuits-INITIAL_FORMS": 0,
        "circuits-MIN_NUM_FORMS": 0,
        "circuits-MAX_NUM_FORMS": 10,
    }
    if featured:
        data["is_featured"] = featured
    url = reverse("admin:protocols_protocol_change", args=[empty.pk])
    checked(library["coach"].post(url, data))
    empty.refresh_from_db()
    assert empty.status != Protocol.Status.PUBLISHED, "nothing in it: never published"
    assert Protocol.objects.filter(is_featured=True).count() <= 1
