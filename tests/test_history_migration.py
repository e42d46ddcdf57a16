"""Migrations of training sessions keep what people recorded before them."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import migrate

pytestmark = [
    pytest.mark.slow,  # migrates the test database back and forth
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("training_sessions", "0001_initial")]
AFTER = [("training_sessions", "0002_history")]
BY_SLUG = [("training_sessions", "0003_plans_by_slug")]


def old_plan(protocol) -> list[dict]:
    """A plan as sessions stored it before 0003: exercise and circuit ids."""
    from protocols.models import Protocol

    steps = Protocol.objects.with_exercises().get(pk=protocol.pk).steps()
    return [
        {
            "circuit": step.circuit.pk,
            "circuit_number": step.circuit.number,
            "rounds": step.circuit.rounds,
            "round": step.round_number,
            "exercise": step.exercise.pk,
            "label": step.exercise.label,
            "name": step.exercise.name,
            "prescription": step.exercise.prescription,
            "per_side": step.exercise.per_side,
            "ends_round": step.ends_round,
            "rest": step.rest_after_seconds,
        }
        for step in steps
    ]


def test_old_sessions_get_their_day_rounds_and_a_progress_summary(alice, protocol):
    plan = old_plan(protocol)
    old = migrate(BEFORE)
    try:
        session_model = old.get_model("training_sessions", "TrainingSession")
        round_model = old.get_model("training_sessions", "CompletedRound")
        # Late on 1 March and early on 2 March (UTC), then a gap, then 5 March.
        starts = [
            datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
            datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
            datetime(2026, 3, 5, 7, 0, tzinfo=UTC),
        ]
        for index, started in enumerate(starts):
            session = session_model.objects.create(
                user_id=alice.pk,
                protocol_id=protocol.pk,
                protocol_name="Lower back relief",
                status="finished",
                started_at=started,
                finished_at=started + timedelta(minutes=25),
                pain_before=6,
                pain_after=4 if index else 6,
                plan=plan,
            )
            round_model.objects.create(
                session=session,
                circuit_id=plan[0]["circuit"],
                circuit_number=1,
                round_number=1,
                exercises=[],
                completed_at=started,
            )
    finally:
        new = migrate(AFTER)

    sessions = new.get_model("training_sessions", "TrainingSession").objects.order_by("started_at")
    assert [s.local_date for s in sessions] == [
        date(2026, 3, 1),
        date(2026, 3, 2),
        date(2026, 3, 5),
    ]
    assert {s.total_rounds for s in sessions} == {9}
    summary = new.get_model("training_sessions", "ProgressSummary").objects.get(user_id=alice.pk)
    assert summary.longest_streak == 2
    assert (summary.last_run_end, summary.last_run_days) == (date(2026, 3, 5), 1)
    assert (summary.pain_change_total, summary.pain_change_sessions) == (-4, 3)


def test_plans_name_exercises_by_slug_and_keep_their_instructions(alice, protocol):
    from protocols.models import Exercise

    plan = old_plan(protocol)
    old = migrate(AFTER)
    try:
        session_model = old.get_model("training_sessions", "TrainingSession")
        round_model = old.get_model("training_sessions", "CompletedRound")
        started = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
        in_progress = session_model.objects.create(
            user_id=alice.pk,
            protocol_id=protocol.pk,
            protocol_name="Lower back relief",
            started_at=started,
            local_date=started.date(),
            plan=plan,
            steps_done=2,
            total_rounds=9,
        )
        round_model.objects.create(
            session=in_progress,
            circuit_id=plan[0]["circuit"],
            circuit_number=1,
            round_number=1,
            exercises=[{"label": "1a", "name": "Side Lying Thoracic Sweep"}],
            completed_at=started,
        )
    finally:
        new = migrate(BY_SLUG)

    session = new.get_model("training_sessions", "TrainingSession").objects.get()
    slugs = list(
        Exercise.objects.order_by("circuit__number", "position").values_list("slug", flat=True)
    )
    assert [entry["exercise"] for entry in session.plan[:2]] == slugs[:2]
    assert all("circuit" not in entry for entry in session.plan)
    sweep = Exercise.objects.get(label="1a")
    assert session.instructions[sweep.slug]["when_to_stop"] == sweep.when_to_stop
    assert session.instructions[sweep.slug]["how_to_steps"] == sweep.how_to_steps
    assert set(session.instructions) == set(slugs)
    round_ = new.get_model("training_sessions", "CompletedRound").objects.get()
    assert (round_.circuit_number, round_.round_number) == (1, 1)
