"""The move from SQLite to PostgreSQL that docs/deploy.md documents, end to end.

`dumpdata --natural-foreign --natural-primary` writes protocols, circuits,
exercises and users by their natural keys, so a new database numbers them
afresh. A session in progress must carry on exactly where it was, showing its
own exercise: before sessions named exercises by slug, its step showed
whichever exercise took the old id.
"""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from protocols.models import Circuit, Exercise, Protocol
from sessions.models import ProgressSummary, TrainingSession
from tests.conftest import clear_safety_gate, tap_through

pytestmark = pytest.mark.django_db(transaction=True)

# The command in docs/deploy.md ("Moving to PostgreSQL").
DUMP_OPTIONS = {
    "natural_foreign": True,
    "natural_primary": True,
    "exclude": ["contenttypes", "auth.permission", "admin.logentry", "sessions"],
}


def occupy_the_old_ids() -> None:
    """A new database whose rows are numbered differently: a protocol arrives first."""
    decoy = Protocol.objects.create(name="Decoy", slug="decoy", summary="Not this one.")
    circuit = Circuit.objects.create(protocol=decoy, number=1)
    for position in range(1, 8):
        Exercise.objects.create(
            circuit=circuit,
            position=position,
            label=f"9{chr(96 + position)}",
            name=f"Decoy exercise {position}",
            slug=f"decoy-{position}",
            reps=1,
            cue="Not this cue.",
            how_to="Not this.",
            common_mistake="None.",
            when_to_stop="Not this rule.",
        )
    User.objects.create_user("someone-else@example.com", "x")


def test_a_session_in_progress_survives_the_documented_move(alice, protocol, disclaimer, tmp_path):
    client = Client()
    clear_safety_gate(alice)
    client.force_login(alice)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
    tap_through(client, session, 3)  # 1a, 1b, then the rest: 2 of round 2 next
    client.post(reverse("training_sessions:end_rest", args=[session.pk]), {"after_step": 3})
    session.refresh_from_db()
    expected = session.current_step
    old_ids = dict(Exercise.objects.values_list("slug", "pk"))

    export = tmp_path / "export.json"
    call_command("dumpdata", output=str(export), stdout=io.StringIO(), **DUMP_OPTIONS)
    call_command("flush", interactive=False, stdout=io.StringIO())
    occupy_the_old_ids()
    call_command("loaddata", str(export), stdout=io.StringIO())

    assert dict(Exercise.objects.exclude(slug__startswith="decoy").values_list("slug", "pk")) != (
        old_ids
    ), "the move must renumber the exercises for this test to mean anything"
    moved = User.objects.get(email="alice@example.com")
    client = Client()
    client.force_login(moved)
    session = TrainingSession.objects.get(user=moved)
    page = client.get(session.get_absolute_url()).content.decode()
    assert f"{expected.label}</span> {expected.name}" in page
    hip_cars = Exercise.objects.get(slug=expected.exercise_slug)
    assert hip_cars.when_to_stop.split(".")[0] in page
    assert "Not this" not in page

    tap_through(client, session)
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.FINISHED
    assert session.rounds.count() == 9
    assert ProgressSummary.objects.get(user=moved).last_run_days == 1
