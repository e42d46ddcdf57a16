"""The seeded protocol is the seed's protocol, exactly, and seeding is safe to repeat."""

import io
import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from protocols.models import Circuit, Exercise, PerSide, Protocol, estimate_seconds

# The protocol's table in the product brief: label, name, reps per round, per side.
SEED_TABLE = [
    ("1a", "Side Lying Thoracic Sweep", 5, PerSide.EACH_SIDE),
    ("1b", "Hip CARs (controlled articular rotations)", 3, PerSide.EACH_WAY_EACH_LEG),
    ("2a", "Cross Tension Deadbugs", 5, PerSide.EACH_SIDE),
    ("2b", "Rockback T-Spine Rotations", 6, PerSide.EACH_SIDE),
    ("3a", "Single Leg Glute Bridge", 12, PerSide.EACH_SIDE),
    ("3b", "Hamstring Lowering", 8, PerSide.EACH_LEG),
    ("3c", "World's Greatest Stretch", 5, PerSide.EACH_SIDE),
]


def _snapshot() -> str:
    objects = [*Protocol.objects.all(), *Circuit.objects.all(), *Exercise.objects.all()]
    return serializers.serialize("json", objects)


def test_it_seeds_the_seven_exercises_of_the_seed(protocol):
    exercises = Exercise.objects.filter(circuit__protocol=protocol).order_by(
        "circuit__number", "position"
    )
    assert [(e.label, e.name, e.reps, e.per_side) for e in exercises] == SEED_TABLE
    assert [e.circuit.number for e in exercises] == [1, 1, 2, 2, 3, 3, 3]
    assert all(e.is_active for e in exercises)


def test_every_circuit_is_three_rounds(protocol):
    assert [(c.number, c.rounds) for c in protocol.circuits.order_by("number")] == [
        (1, 3),
        (2, 3),
        (3, 3),
    ]


def test_the_seeds_cues_are_kept(protocol):
    bridge = Exercise.objects.get(label="3a")
    lowering = Exercise.objects.get(label="3b")
    assert "glute" in bridge.cue.lower() and "core" in bridge.cue.lower()
    for words in ("core tight", "lower slowly", "breathe out"):
        assert words in lowering.cue.lower()


def test_every_exercise_has_instructions_and_a_stop_rule(protocol):
    for exercise in Exercise.objects.all():
        assert 3 <= len(exercise.how_to_steps) <= 6, exercise
        assert exercise.cue and exercise.common_mistake
        assert "sharp, shooting or spreading pain" in exercise.when_to_stop
        assert "numbness or tingling" in exercise.when_to_stop


def test_a_session_is_21_steps_in_9_rounds(protocol):
    protocol = Protocol.objects.with_exercises().get(pk=protocol.pk)
    steps = protocol.steps()
    assert len(steps) == 21
    assert sum(step.ends_round for step in steps) == 9


def test_the_estimate_is_twenty_to_twenty_five_minutes(protocol):
    protocol = Protocol.objects.with_exercises().get(pk=protocol.pk)
    assert 20 * 60 <= estimate_seconds(protocol.steps()) <= 25 * 60


def test_seeding_twice_changes_nothing(protocol):
    before = _snapshot()
    out = io.StringIO()
    call_command("seed_protocol", stdout=out)
    assert _snapshot() == before
    assert "nothing seeded" in out.getvalue()


def test_a_coachs_edit_survives_a_reseed(protocol):
    bridge = Exercise.objects.get(label="3a")
    bridge.reps = 10
    bridge.cue = "Squeeze the glute at the top."
    bridge.save(update_fields=["reps", "cue"])
    Exercise.objects.filter(label="3c").update(is_active=False)

    call_command("seed_protocol", stdout=io.StringIO())

    bridge.refresh_from_db()
    assert (bridge.reps, bridge.cue) == (10, "Squeeze the glute at the top.")
    assert not Exercise.objects.get(label="3c").is_active
    assert Exercise.objects.count() == 7


def test_a_renamed_slug_survives_a_release(protocol, alice):
    """A coach renames the slug, then `make run` or a release seeds again: nothing moves."""
    protocol.slug = "our-back-routine"
    protocol.save()
    bridge = Exercise.objects.get(label="3a")
    bridge.cue = "The coach's own words."
    bridge.save()

    call_command("seed_protocol", stdout=io.StringIO())

    assert list(Protocol.objects.values_list("slug", flat=True)) == ["our-back-routine"]
    assert Exercise.objects.filter(circuit__protocol__slug="our-back-routine").count() == 7
    assert Exercise.objects.get(label="3a").cue == "The coach's own words."
    from sessions.models import TrainingSession

    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.total_steps == 21


def test_a_deleted_protocol_is_seeded_again(protocol):
    protocol.delete()
    call_command("seed_protocol", stdout=io.StringIO())
    assert Exercise.objects.filter(circuit__protocol__slug="lower-back-relief").count() == 7


def test_an_unreadable_fixture_is_a_clear_error(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("seed_protocol", str(broken), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("seed_protocol", str(tmp_path / "missing.json"), stdout=io.StringIO())


def test_the_fixture_uses_natural_keys_not_ids():
    from protocols.management.commands.seed_protocol import DEFAULT_FIXTURE

    records = json.loads(DEFAULT_FIXTURE.read_text())
    assert all("pk" not in record for record in records)
