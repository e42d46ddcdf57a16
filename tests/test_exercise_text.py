"""Every sentence about an exercise says what the product brief's exercise notes say, and no more.

One test per fact the notes insist on, read from the seeded text, so that a
later edit of the fixture that loses a fact fails here.
"""

import importlib
import json

import pytest

from protocols.models import Exercise
from tests.conftest import migrate


def text_of(label: str) -> str:
    exercise = Exercise.objects.get(label=label)
    return " ".join([exercise.cue, *exercise.how_to_steps, exercise.easier]).lower()


def test_hamstring_lowering_is_on_the_back_not_the_nordic_curl(protocol):
    lowering = Exercise.objects.get(label="3b")
    assert lowering.name == "Hamstring Lowering"  # the seed's name stays
    assert lowering.subtitle == "lying on your back, not the kneeling Nordic curl"
    assert "lie on your back with both legs straight up" in text_of("3b")
    assert "keep one leg up" in text_of("3b") and "knee straight" in text_of("3b")
    assert "door frame" in lowering.easier and "bend the knee" in lowering.easier.lower()


def test_the_bridge_lifts_the_other_leg_and_keeps_the_hips_level(protocol):
    text = text_of("3a")
    assert "lift the other leg straight off the floor, or hug that knee in" in text
    assert "keep your hips level" in text
    assert "knee, hip and shoulder line up" in text


def test_hip_cars_each_way_is_each_direction_standing_knee_soft(protocol):
    text = text_of("1b")
    assert "hold a wall or the back of a chair" in text
    assert "standing knee soft" in text
    assert "each direction" in text and "forwards" in text and "backwards" in text
    assert "same path in reverse" in text and "then change legs" in text


def test_the_deadbug_starts_knees_over_hips_arms_up_and_reaches_long(protocol):
    text = text_of("2a")
    assert "knees over your hips" in text and "arms pointing to the ceiling" in text
    assert "press one hand into the opposite knee" in text
    assert "free arm back over your head" in text
    assert "straighten the opposite leg" in text and "hovers just above the floor" in text


def test_the_rockback_keeps_the_lower_back_still_and_spares_the_neck(protocol):
    text = text_of("2b")
    assert "hands and knees" in text and "hips back towards your heels" in text
    assert "keeps your lower back still" in text and "locks" not in text
    assert "without pulling on your neck" in text
    assert "t-spine, short for thoracic spine" in text


def test_the_worlds_greatest_stretch_does_one_side_then_the_other(protocol):
    text = text_of("3c")
    assert "back knee may rest on the floor" in text
    assert "all your reps on this side, then step back and change legs" in text


@pytest.mark.parametrize("label", ["1a", "1b", "2a", "2b", "3a", "3b", "3c"])
def test_every_exercise_says_how_to_breathe_how_far_and_what_one_rep_is(protocol, label):
    text = text_of(label)
    assert "breathe out" in text or "breathing out" in text or "keep breathing" in text
    assert "as far as" in text
    assert "one rep" in text


def test_the_words_glute_and_brace_your_core_are_explained(protocol):
    text = text_of("3a")
    assert "brace your core: tighten the muscles around your middle" in text
    assert "glute (the big muscle of your bottom)" in text


# --- The data migration: a coach's words are never overwritten -------------------

BEFORE = [("protocols", "0003_remove_protocol_updated_at")]
AFTER = [("protocols", "0004_exact_exercise_text")]


def migration_module():
    return importlib.import_module("protocols.migrations.0004_exact_exercise_text")


@pytest.mark.slow  # migrates the test database back and forth
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_the_migration_updates_the_seed_text_and_leaves_a_coachs_edit_alone():
    seeded = migration_module()
    old = migrate(BEFORE)
    protocol = old.get_model("protocols", "Protocol").objects.create(
        name="7 Exercise Protocol for Lower Back Relief",
        slug="lower-back-relief",
        summary=seeded.OLD_SUMMARY,
    )
    circuit = old.get_model("protocols", "Circuit").objects.create(protocol=protocol, number=3)
    for position, (slug, texts) in enumerate(seeded.OLD.items(), start=1):
        old.get_model("protocols", "Exercise").objects.create(
            circuit=circuit, position=position, label=f"x{position}", name=slug, slug=slug,
            reps=5, **texts,
        )  # fmt: skip
    exercise_model = old.get_model("protocols", "Exercise")
    exercise_model.objects.filter(slug="single-leg-glute-bridge").update(cue="A coach's own cue.")

    new = migrate(AFTER)

    exercises = new.get_model("protocols", "Exercise").objects
    lowering = exercises.get(slug="hamstring-lowering")
    assert lowering.subtitle == seeded.NEW["hamstring-lowering"]["subtitle"]
    assert lowering.how_to == seeded.NEW["hamstring-lowering"]["how_to"]
    bridge = exercises.get(slug="single-leg-glute-bridge")
    assert bridge.cue == "A coach's own cue."
    assert bridge.how_to == seeded.OLD["single-leg-glute-bridge"]["how_to"]
    assert new.get_model("protocols", "Protocol").objects.get().summary == seeded.NEW_SUMMARY


def test_the_fixture_carries_the_migrations_new_text():
    """A fresh install (fixture) and an upgraded one (migration) read the same."""
    from protocols.management.commands.seed_protocol import DEFAULT_FIXTURE

    new = migration_module().NEW
    for record in json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8")):
        if record["model"] == "protocols.exercise":
            fields = record["fields"]
            assert {name: fields[name] for name in new[fields["slug"]]} == new[fields["slug"]]
