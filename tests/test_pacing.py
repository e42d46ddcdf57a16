"""The pacing plan of a set: what Guide me says, in what order, for how long."""

import importlib
import json

import pytest

from protocols.models import Exercise, Protocol, estimate_seconds
from protocols.pacing import (
    CHANGE_DIRECTION_SECONDS,
    CHANGE_SIDE_SECONDS,
    PerSide,
    pacing_plan,
    total_seconds,
)
from tests.conftest import migrate

# label: (tempo, get ready, seconds of one guided set), as seeded.
SEEDED = {
    "1a": (3, 5, 5 + 5 * 3 + CHANGE_SIDE_SECONDS + 5 * 3),
    "1b": (6, 5, 5 + 3 * 6 + 2 + 3 * 6 + CHANGE_SIDE_SECONDS + 3 * 6 + 2 + 3 * 6),
    "2a": (3, 5, 5 + 5 * 3 + CHANGE_SIDE_SECONDS + 5 * 3),
    "2b": (3, 5, 5 + 6 * 3 + CHANGE_SIDE_SECONDS + 6 * 3),
    "3a": (3, 5, 5 + 12 * 3 + CHANGE_SIDE_SECONDS + 12 * 3),
    "3b": (4, 5, 5 + 8 * 4 + CHANGE_SIDE_SECONDS + 8 * 4),
    "3c": (3, 5, 5 + 5 * 3 + CHANGE_SIDE_SECONDS + 5 * 3),
}


def kinds(prompts) -> list[str]:
    return [prompt.kind for prompt in prompts]


def reps_of(prompts, side, direction=None) -> list[tuple[int, int]]:
    return [
        (p.rep, p.of)
        for p in prompts
        if p.kind == "rep" and p.side == side and p.direction == direction
    ]


@pytest.mark.parametrize("label", SEEDED)
def test_every_seeded_exercise_has_its_tempo_get_ready_and_set_length(protocol, label):
    exercise = Exercise.objects.get(label=label)
    tempo, get_ready, seconds = SEEDED[label]
    assert (exercise.seconds_per_rep, exercise.get_ready_seconds) == (tempo, get_ready)
    assert total_seconds(exercise.pacing()) == seconds


@pytest.mark.parametrize("label", ["1a", "2a", "2b", "3a", "3c"])
def test_each_side_is_get_ready_the_reps_change_sides_the_reps_done(protocol, label):
    exercise = Exercise.objects.get(label=label)
    prompts = exercise.pacing()
    n = exercise.reps
    assert kinds(prompts) == ["get_ready", *["rep"] * n, "change_side", *["rep"] * n, "done"]
    assert reps_of(prompts, "first") == [(rep, n) for rep in range(1, n + 1)]
    assert reps_of(prompts, "other") == [(rep, n) for rep in range(1, n + 1)]
    assert prompts[0].text == "First side (your easier one) — get ready"
    assert prompts[0].seconds == exercise.get_ready_seconds
    assert prompts[1].text == f"First side · rep 1 of {n}"
    assert prompts[n + 1].text == "Change sides: other side"
    assert prompts[n + 1].seconds == CHANGE_SIDE_SECONDS
    assert prompts[-2].text == f"Other side · rep {n} of {n}"
    assert (prompts[-1].text, prompts[-1].seconds) == ("Done", 0)
    assert all(p.seconds == exercise.seconds_per_rep for p in prompts if p.kind == "rep")


def test_hamstring_lowering_is_one_leg_then_the_other(protocol):
    prompts = Exercise.objects.get(label="3b").pacing()
    assert kinds(prompts) == ["get_ready", *["rep"] * 8, "change_side", *["rep"] * 8, "done"]
    assert prompts[0].text == "First leg (your easier one) — get ready"
    assert prompts[1].text == "First leg · rep 1 of 8"
    assert prompts[9].text == "Change legs: other leg"
    assert prompts[-2].text == "Other leg · rep 8 of 8"
    assert {p.seconds for p in prompts if p.kind == "rep"} == {4}


def test_hip_cars_go_forwards_then_backwards_on_each_leg(protocol):
    prompts = Exercise.objects.get(label="1b").pacing()
    assert kinds(prompts) == [
        "get_ready",
        *["rep"] * 3,
        "change_direction",
        *["rep"] * 3,
        "change_side",
        *["rep"] * 3,
        "change_direction",
        *["rep"] * 3,
        "done",
    ]
    for side in ("first", "other"):
        for direction in ("forwards", "backwards"):
            assert reps_of(prompts, side, direction) == [(1, 3), (2, 3), (3, 3)]
    assert [(p.side, p.direction) for p in prompts if p.kind != "rep"] == [
        ("first", "forwards"),
        ("first", "backwards"),
        ("other", "forwards"),
        ("other", "backwards"),
        (None, None),
    ]
    assert prompts[0].text == "First leg (your easier one), forwards — get ready"
    assert prompts[1].text == "First leg, forwards · rep 1 of 3"
    assert prompts[4].text == "Same leg, now backwards"
    assert prompts[4].seconds == CHANGE_DIRECTION_SECONDS
    assert prompts[8].text == "Change legs: other leg, forwards"
    assert prompts[-2].text == "Other leg, backwards · rep 3 of 3"
    assert {p.seconds for p in prompts if p.kind == "rep"} == {6}


def test_the_total_is_the_tempo_times_every_rep_plus_the_pauses():
    prompts = pacing_plan(
        reps=4,
        per_side=PerSide.EACH_SIDE,
        seconds_per_rep=7,
        get_ready_seconds=0,
        change_side_seconds=10,
    )
    assert total_seconds(prompts) == 0 + 4 * 7 + 10 + 4 * 7


def test_an_unknown_per_side_is_paced_as_each_side():
    prompts = pacing_plan(reps=1, per_side="retired", seconds_per_rep=3, get_ready_seconds=5)
    assert kinds(prompts) == ["get_ready", "rep", "change_side", "rep", "done"]


def test_a_prompt_is_plain_json():
    prompt = pacing_plan(reps=1, per_side="each_side", seconds_per_rep=3, get_ready_seconds=5)[1]
    assert prompt.as_json() == {
        "kind": "rep",
        "text": "First side · rep 1 of 1",
        "seconds": 3,
        "side": "first",
        "direction": None,
        "rep": 1,
        "of": 1,
        "say": "1",
    }


def test_the_guide_says_the_name_then_short_words_and_each_rep_as_its_number(protocol):
    exercise = Exercise.objects.get(label="1a")
    said = [prompt.say for prompt in exercise.pacing()]
    assert said == [
        f"{exercise.name}. First side, your easier one. Get ready.",
        *[str(rep) for rep in range(1, 6)],
        "Change sides. Other side.",
        *[str(rep) for rep in range(1, 6)],
        "Done.",
    ]


def test_hip_cars_say_the_leg_and_the_direction(protocol):
    exercise = Exercise.objects.get(label="1b")
    said = [prompt.say for prompt in exercise.pacing() if prompt.kind != "rep"]
    assert said == [
        f"{exercise.name}. First leg, your easier one, forwards. Get ready.",
        "Same leg, now backwards.",
        "Change legs. Other leg, forwards.",
        "Same leg, now backwards.",
        "Done.",
    ]


def test_hamstring_lowering_says_legs(protocol):
    exercise = Exercise.objects.get(label="3b")
    said = [prompt.say for prompt in exercise.pacing() if prompt.kind != "rep"]
    assert said == [
        f"{exercise.name}, {exercise.subtitle}. First leg, your easier one. Get ready.",
        "Change legs. Other leg.",
        "Done.",
    ]


def test_every_prompt_has_words_to_say(protocol):
    for exercise in Exercise.objects.all():
        assert all(prompt.say for prompt in exercise.pacing()), exercise.label


def test_a_guided_session_is_the_sets_and_the_rests(protocol):
    steps = Protocol.objects.with_exercises().get(pk=protocol.pk).steps()
    sets = sum(SEEDED[step.exercise.label][2] for step in steps)
    rests = sum(step.rest_after_seconds for step in steps)
    assert (sets, rests) == (1182, 300)
    assert estimate_seconds(steps) == 1482  # 24 min 42 s


# --- The data migration: a coach's own tempo is never overwritten -------------

BEFORE = [("protocols", "0005_coach_media")]
AFTER = [("protocols", "0006_pacing")]


def migration_module():
    return importlib.import_module("protocols.migrations.0006_pacing")


@pytest.mark.slow  # migrates the test database back and forth
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_the_migration_sets_the_checked_tempo_and_leaves_a_coachs_own_alone():
    old = migrate(BEFORE)
    protocol = old.get_model("protocols", "Protocol").objects.create(
        name="Ours", slug="ours", summary="."
    )
    circuit = old.get_model("protocols", "Circuit").objects.create(protocol=protocol, number=3)
    exercises = old.get_model("protocols", "Exercise").objects
    for position, (slug, tempo) in enumerate(
        [("hamstring-lowering", 3), ("hip-cars", 6), ("single-leg-glute-bridge", 3)], start=1
    ):
        exercises.create(
            circuit=circuit, position=position, label=f"x{position}", name=slug, slug=slug,
            reps=5, seconds_per_rep=tempo, cue=".", how_to=".", common_mistake=".",
            when_to_stop=".",
        )  # fmt: skip

    new = migrate(AFTER)

    tempos = dict(
        new.get_model("protocols", "Exercise").objects.values_list("slug", "seconds_per_rep")
    )
    assert tempos == {"hamstring-lowering": 4, "hip-cars": 6, "single-leg-glute-bridge": 3}
    assert set(
        new.get_model("protocols", "Exercise").objects.values_list("get_ready_seconds", flat=True)
    ) == {5}


@pytest.mark.slow  # migrates the test database back and forth
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_the_migration_leaves_a_coachs_tempo_for_the_lowering_alone():
    old = migrate(BEFORE)
    protocol = old.get_model("protocols", "Protocol").objects.create(
        name="Ours", slug="ours", summary="."
    )
    circuit = old.get_model("protocols", "Circuit").objects.create(protocol=protocol, number=3)
    old.get_model("protocols", "Exercise").objects.create(
        circuit=circuit, position=1, label="3b", name="Hamstring Lowering",
        slug="hamstring-lowering", reps=8, seconds_per_rep=7, cue=".", how_to=".",
        common_mistake=".", when_to_stop=".",
    )  # fmt: skip

    new = migrate(AFTER)

    assert new.get_model("protocols", "Exercise").objects.get().seconds_per_rep == 7


def test_the_fixture_carries_the_migrations_tempos():
    """A fresh install (fixture) and an upgraded one (migration) pace the same."""
    from protocols.management.commands.seed_protocol import DEFAULT_FIXTURE

    tempos = migration_module().TEMPOS
    for record in json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8")):
        fields = record["fields"]
        if record["model"] == "protocols.exercise" and fields["slug"] in tempos:
            assert fields["seconds_per_rep"] == tempos[fields["slug"]]
