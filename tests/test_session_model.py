"""The rules of a session: positions, rounds, rests and the referral rule."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from protocols.models import Exercise, Protocol
from sessions.models import CompletedRound, TrainingSession


def _done(session, number):
    if session.resting:
        assert session.end_rest(session.steps_done)
    return session.complete_step(number)


def test_a_session_keeps_a_copy_of_its_21_steps(alice_session):
    assert alice_session.total_steps == 21
    assert alice_session.total_rounds == 9
    assert alice_session.current_step.label == "1a"
    assert alice_session.plan[1]["prescription"] == "3 reps each way on each leg"


def test_the_last_done_of_a_round_records_it(alice_session):
    assert alice_session.complete_step(1)
    assert not CompletedRound.objects.exists()
    assert alice_session.complete_step(2)
    completed = CompletedRound.objects.get()
    assert (completed.circuit_number, completed.round_number) == (1, 1)
    assert [e["label"] for e in completed.exercises] == ["1a", "1b"]
    assert completed.exercises[0]["prescription"] == "5 reps each side"


def test_a_step_that_is_not_current_changes_nothing(alice_session):
    assert not alice_session.complete_step(2)
    assert not alice_session.complete_step(0)
    assert not alice_session.complete_step(22)
    assert alice_session.complete_step(1)
    assert not alice_session.complete_step(1)
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 1


def test_a_rest_comes_between_rounds_and_must_end_first(alice_session):
    alice_session.complete_step(1)
    alice_session.complete_step(2)
    assert alice_session.resting
    assert not alice_session.complete_step(3)
    assert not alice_session.end_rest(1)
    assert alice_session.end_rest(2)
    assert not alice_session.end_rest(2)
    assert alice_session.complete_step(3)


def test_a_whole_session_records_nine_rounds_and_finishes(alice_session):
    for number in range(1, 22):
        assert _done(alice_session, number)
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.FINISHED
    assert alice_session.finished_at is not None
    assert not alice_session.resting
    rounds = list(alice_session.rounds.values_list("circuit_number", "round_number"))
    assert rounds == [(c, r) for c in (1, 2, 3) for r in (1, 2, 3)]


def test_a_finished_session_takes_no_more_steps(alice_session):
    for number in range(1, 22):
        _done(alice_session, number)
    assert not alice_session.complete_step(21)
    assert not alice_session.end_early()
    assert alice_session.rounds.count() == 9


def test_ending_early_keeps_the_rounds_done(alice_session):
    for number in range(1, 9):
        _done(alice_session, number)
    assert alice_session.end_early()
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.ENDED_EARLY
    assert alice_session.rounds.count() == 4
    assert not alice_session.complete_step(9)


def test_one_session_in_progress_per_user_is_enforced_by_the_database(alice, alice_session):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.create(
            user=alice, protocol=alice_session.protocol, protocol_name="x", plan=[]
        )


def test_starting_twice_returns_the_session_in_progress(alice, alice_session):
    again = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert again == alice_session
    assert TrainingSession.objects.count() == 1


def test_a_round_is_unique_per_session_circuit_and_number(alice_session):
    alice_session.complete_step(1)
    alice_session.complete_step(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletedRound.objects.create(
            session=alice_session,
            circuit_number=1,
            round_number=1,
            exercises=[],
        )


def test_a_coachs_edit_mid_session_does_not_move_it(alice_session):
    Exercise.objects.filter(label="1a").update(is_active=False, reps=9)
    assert alice_session.current_step.label == "1a"
    assert alice_session.current_step.prescription == "5 reps each side"
    _done(alice_session, 1)
    _done(alice_session, 2)
    assert alice_session.rounds.get().exercises[0]["name"] == "Side Lying Thoracic Sweep"


def test_up_next_says_what_follows(alice_session):
    plan = alice_session.plan
    from sessions.models import PlannedStep

    def step(n):
        return PlannedStep.from_plan(plan, n)

    assert alice_session.up_next(step(1)) == "1b Hip CARs (controlled articular rotations)"
    assert alice_session.up_next(step(2)).startswith("Rest 30 s, then round 2 of 3, 1a")
    assert alice_session.up_next(step(6)) == "Rest 60 s, then circuit 2, 2a Cross Tension Deadbugs"
    assert alice_session.up_next(step(21)) == "That's the last one. Then you're done."


def test_the_rest_countdown_survives_a_reload(alice_session):
    _done(alice_session, 1)
    _done(alice_session, 2)
    assert alice_session.rest_seconds_left == 30
    alice_session.last_step_at = timezone.now() - timedelta(seconds=12)
    assert alice_session.rest_seconds_left == 18
    alice_session.last_step_at = timezone.now() - timedelta(minutes=5)
    assert alice_session.rest_seconds_left == 0


@pytest.mark.parametrize(
    ("before", "after", "referral"),
    [(None, None, False), (3, 2, False), (3, 3, False), (3, 4, True), (None, 7, True),
     (8, 7, True), (None, 6, False), (0, 1, True)],
)  # fmt: skip
def test_referral_when_pain_is_high_or_worse(alice_session, before, after, referral):
    alice_session.pain_before, alice_session.pain_after = before, after
    assert alice_session.needs_referral is referral


def test_the_plan_keeps_what_guide_me_paces_from(alice, protocol):
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    hip_cars = session.plan[1]
    assert (hip_cars["exercise"], hip_cars["reps"]) == ("hip-cars", 3)
    assert (hip_cars["seconds_per_rep"], hip_cars["get_ready_seconds"]) == (6, 5)


def test_a_coachs_tempo_edit_does_not_move_a_session_in_progress(alice, protocol):
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    Exercise.objects.filter(slug="side-lying-thoracic-sweep").update(
        seconds_per_rep=9, get_ready_seconds=20, reps=2
    )
    prompts = session.current_step.pacing()
    assert prompts[0].seconds == 5
    assert {p.seconds for p in prompts if p.kind == "rep"} == {3}
    assert sum(p.kind == "rep" for p in prompts) == 10


def test_a_plan_from_before_guide_me_is_paced_at_the_defaults(alice, protocol):
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    for entry in session.plan:
        del entry["reps"], entry["seconds_per_rep"], entry["get_ready_seconds"]
    session.save(update_fields=["plan"])
    session.refresh_from_db()

    step = session.current_step
    assert (step.reps, step.seconds_per_rep, step.get_ready_seconds) == (5, 3, 5)
    prompts = step.pacing()
    assert [p.text for p in prompts[:2]] == [
        "First side (your easier one) — get ready",
        "First side · rep 1 of 5",
    ]
