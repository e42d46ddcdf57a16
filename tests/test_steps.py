"""The order of a session's steps and where its rests fall."""

from protocols.models import Exercise, PerSide, Protocol
from protocols.pacing import pacing_plan


def _steps(protocol):
    return Protocol.objects.with_exercises().get(pk=protocol.pk).steps()


def test_steps_go_circuit_by_circuit_round_by_round(protocol):
    labels = [step.exercise.label for step in _steps(protocol)]
    assert labels == ["1a", "1b"] * 3 + ["2a", "2b"] * 3 + ["3a", "3b", "3c"] * 3


def test_steps_are_numbered_and_know_their_round(protocol):
    steps = _steps(protocol)
    assert [step.number for step in steps] == list(range(1, 22))
    assert [(s.circuit.number, s.round_number) for s in steps[:6]] == [
        (1, 1),
        (1, 1),
        (1, 2),
        (1, 2),
        (1, 3),
        (1, 3),
    ]
    assert [s.round_number for s in steps[12:]] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_rests_fall_between_rounds_and_between_circuits(protocol):
    steps = _steps(protocol)
    rests = {step.number: step.rest_after_seconds for step in steps if step.rest_after_seconds}
    # 30 s after rounds 1 and 2 of each circuit, 60 s after the last round of
    # circuits 1 and 2, nothing after the very last step.
    assert rests == {2: 30, 4: 30, 6: 60, 8: 30, 10: 30, 12: 60, 15: 30, 18: 30}


def test_an_exercises_own_rest_falls_inside_the_round(protocol):
    Exercise.objects.filter(label="1a").update(rest_after_seconds=15)
    steps = _steps(protocol)
    assert [s.rest_after_seconds for s in steps[:2]] == [15, 30]


def test_a_retired_exercise_leaves_the_session(protocol):
    Exercise.objects.filter(label="3c").update(is_active=False)
    steps = _steps(protocol)
    assert len(steps) == 18
    assert "3c" not in {step.exercise.label for step in steps}
    assert sum(step.ends_round for step in steps) == 9


def test_a_circuit_with_no_active_exercises_is_skipped(protocol):
    Exercise.objects.filter(circuit__number=3).update(is_active=False)
    steps = _steps(protocol)
    assert len(steps) == 12
    assert steps[-1].rest_after_seconds == 0


def test_prescriptions_read_as_plain_words(protocol):
    prescriptions = dict(Exercise.objects.values_list("label", "reps"))
    assert prescriptions["1a"] == 5
    assert Exercise.objects.get(label="1a").prescription == "5 reps each side"
    assert Exercise.objects.get(label="1b").prescription == "3 reps each way on each leg"
    assert Exercise.objects.get(label="3b").prescription == "8 reps each leg"


def test_each_way_on_each_leg_counts_four_sets_of_reps():
    def sets(per_side: PerSide) -> int:
        prompts = pacing_plan(reps=3, per_side=per_side, seconds_per_rep=3, get_ready_seconds=5)
        return sum(1 for prompt in prompts if prompt.kind == "rep") // 3

    assert sets(PerSide.EACH_WAY_EACH_LEG) == 4
    assert sets(PerSide.EACH_SIDE) == sets(PerSide.EACH_LEG) == 2
    assert sets(PerSide.ONCE) == 1
