"""Fuzzing the guided-session views: never a server error, never someone else's data.

Each test throws generated input (unicode, huge, empty, negative, wrong
types) at one endpoint as the owner, another user or nobody, and checks the
two promises: no response is a server error, and nothing of another user's
changes. The account pages, the history pages, every page's query string and
the admin lists have their own modules (tests/test_fuzz_*.py, helpers in
tests/fuzz_helpers.py). `make test` runs a small repeatable profile;
`make audit-fuzz` a large random one.
"""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from protocols.models import Protocol
from sessions.models import CompletedRound, TrainingSession
from tests.conftest import clear_safety_gate
from tests.fuzz_helpers import field_values, fuzz_case, url_segments

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _alice_through_the_gate(alice, disclaimer):
    """Fuzz the forms themselves, not the gate in front of them."""
    clear_safety_gate(alice)


def snapshot(session: TrainingSession) -> tuple:
    session.refresh_from_db()
    return (
        session.status,
        session.steps_done,
        session.resting,
        session.pain_before,
        session.pain_after,
        session.notes,
        CompletedRound.objects.filter(session=session).count(),
        len(session.skipped),
        tuple(session.skipping_exercises),
    )


@pytest.fixture
def bobs_session(bob, protocol):
    session = TrainingSession.start(bob, Protocol.objects.with_exercises().get(), 5)
    session.complete_step(1)
    return session


@given(slug=url_segments)
def test_public_pages_with_any_slug(client, protocol, slug):
    fuzz_case()
    for url in (f"/protocols/{slug}/", f"/exercises/{slug}/"):
        assert client.get(url).status_code in (200, 404)


@given(session_id=st.integers(min_value=0, max_value=2**80))
def test_session_urls_with_any_id(client, alice, bobs_session, session_id):
    fuzz_case()
    client.force_login(alice)
    before = snapshot(bobs_session)
    for name in ("session", "end", "finish", "summary"):
        response = client.get(f"/session/{session_id}/" + ("" if name == "session" else f"{name}/"))
        assert response.status_code in (302, 404)
    for name in ("step", "rest", "end"):
        assert client.post(f"/session/{session_id}/{name}/").status_code in (302, 404)
    assert snapshot(bobs_session) == before


@given(pain=field_values)
def test_start_with_any_pain(client, alice, protocol, pain):
    fuzz_case()
    client.force_login(alice)
    response = client.post(reverse("training_sessions:start"), {"pain_before": pain})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # on into a session (or the red-flag questions first)
        assert response["Location"].startswith(("/session/", "/account/screening/"))
    session = TrainingSession.objects.filter(user=alice).first()
    if session:
        assert session.pain_before is None or 0 <= session.pain_before <= 10


ACTIONS = ("complete_step", "skip_step", "skip_exercise", "end_rest")


@given(fields=st.fixed_dictionaries({}, optional={
    "step": field_values, "circuit": field_values, "round": field_values,
    "exercise": field_values, "after_step": field_values,
}))  # fmt: skip
def test_done_and_rest_with_any_fields(client, alice, bob, bobs_session, fields):
    fuzz_case()
    alices = TrainingSession.objects.for_user(alice).in_progress().first()
    if alices is None:
        alices = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    before_bob = snapshot(bobs_session)
    before = snapshot(alices)
    client.force_login(alice)
    for name in ACTIONS:
        response = client.post(reverse(f"training_sessions:{name}", args=[alices.pk]), fields)
        assert response.status_code == 302
    after = snapshot(alices)
    # Either nothing moved, or the fields named the current step exactly (Done
    # and the skip: at most two steps, each recorded as a skip at most once).
    assert after[1] - before[1] in (0, 1, 2)
    assert after[6] - before[6] in (0, 1)
    assert 0 <= after[7] - before[7] <= after[1] - before[1]
    # Only an exercise of the plan can be passed over for the session.
    assert set(after[8]) <= {entry["exercise"] for entry in alices.plan}
    # Bob's session, addressed by alice with the same fields: a 404, nothing moves.
    for name in ACTIONS:
        response = client.post(reverse(f"training_sessions:{name}", args=[bobs_session.pk]), fields)
        assert response.status_code == 404
    assert snapshot(bobs_session) == before_bob


@given(pain=field_values, notes=st.one_of(field_values, st.text(min_size=1900, max_size=2100)))
def test_finish_with_any_pain_and_notes(client, alice, protocol, pain, notes):
    fuzz_case()
    session = TrainingSession.objects.filter(user=alice).first()
    if session is None:
        session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
        session.end_early()
    client.force_login(alice)
    response = client.post(
        reverse("training_sessions:finish", args=[session.pk]), {"pain_after": pain, "notes": notes}
    )
    assert response.status_code in (200, 302)
    session.refresh_from_db()
    assert session.pain_after is None or 0 <= session.pain_after <= 10
    assert len(session.notes) <= 2000


@given(data=st.dictionaries(st.sampled_from(["pain_after", "notes", "x"]), field_values))
def test_nobody_signed_in_changes_nothing(client, bobs_session, data):
    fuzz_case()
    before = snapshot(bobs_session)
    for name in (*ACTIONS, "end", "finish"):
        response = client.post(reverse(f"training_sessions:{name}", args=[bobs_session.pk]), data)
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert snapshot(bobs_session) == before
