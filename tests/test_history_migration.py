"""The history migration fills in what sessions recorded before it did not have."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sessions.models import plan_from_steps

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training_sessions", "0001_initial")]
AFTER = [("training_sessions", "0002_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_sessions_get_their_day_rounds_and_a_progress_summary(alice, protocol):
    from protocols.models import Protocol

    plan = plan_from_steps(Protocol.objects.with_exercises().get().steps())
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
