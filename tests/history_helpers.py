"""Past sessions made quickly through the model API, for the history tests.

`past_session` writes what a guided session would have left behind (the
plan's copy, its rounds with their exercises, pain and notes) without tapping
through 21 steps; `tests.conftest.tap_through` is there for the real thing.
The rounds are recorded by the session's own method, the one a Done tap at
the end of a round calls, so they hold what a real round holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from protocols.models import Protocol
from sessions.models import (
    CompletedRound,
    PlannedStep,
    ProgressSummary,
    TrainingSession,
    plan_from_steps,
    round_ends,
    rounds_in_plan,
)

SEED = "lower-back-relief"


def _plan() -> list[dict]:
    return plan_from_steps(Protocol.objects.with_exercises().get(slug=SEED).steps())


def _record_rounds(session: TrainingSession, ends: list[PlannedStep], first_minute: int) -> None:
    """Record the rounds `ends` end as the session's last step of each round does."""
    for number, step in enumerate(ends):
        when = session.started_at + timedelta(minutes=first_minute + 2 * number)
        session.record_round(step, when)


def past_session(
    user,
    started_at: datetime,
    *,
    rounds: int = 9,
    status: str | None = None,
    pain_before: int | None = None,
    pain_after: int | None = None,
    notes: str = "",
    zone: str = "UTC",
    refresh: bool = True,
) -> TrainingSession:
    """A session started at `started_at` (aware), with its first `rounds` rounds done.

    Finished if all nine are done, ended early otherwise, unless `status` says.
    Its local day is taken in `zone`, as the app takes it in the user's zone.
    """
    plan = _plan()
    ends = round_ends(plan)
    status = status or ("finished" if rounds == len(ends) else "ended_early")
    session = TrainingSession.objects.create(
        user=user,
        protocol=Protocol.objects.get(slug=SEED),
        protocol_name="Lower back relief",
        status=status,
        started_at=started_at,
        local_date=timezone.localdate(started_at, ZoneInfo(zone)),
        finished_at=None if status == "in_progress" else started_at + timedelta(minutes=24),
        pain_before=pain_before,
        pain_after=pain_after,
        notes=notes,
        plan=plan,
        total_rounds=rounds_in_plan(plan),
        steps_done=len(plan) if status == "finished" else 0,
    )
    _record_rounds(session, ends[:rounds], first_minute=2)
    if refresh:
        ProgressSummary.refresh_for(user.pk)
    return session


def many_past_sessions(user, count: int, *, rounds_each: int = 9, with_plans: bool = True) -> None:
    """`count` finished sessions, one a day back from yesterday, written in bulk.

    The first session's rounds are recorded by the model, one by one; the
    others get copies of them, in bulk (thousands of sessions one round at a
    time would take minutes). `with_plans=False` leaves each session's copy
    of its plan empty: no history page reads it (their queries defer it), and
    on PostgreSQL writing thousands of copies takes most of the time.
    """
    plan = _plan()
    protocol = Protocol.objects.get(slug=SEED)
    now = timezone.now()
    sessions = [
        TrainingSession(
            user=user,
            protocol=protocol,
            protocol_name=protocol.name,
            status="finished",
            started_at=now - timedelta(days=day),
            local_date=timezone.localdate(now - timedelta(days=day)),
            finished_at=now - timedelta(days=day) + timedelta(minutes=24),
            pain_before=5,
            pain_after=3,
            notes="Fine",
            plan=plan if with_plans else [],
            total_rounds=rounds_in_plan(plan),
            steps_done=len(plan),
        )
        for day in range(1, count + 1)
    ]
    # The first, before the others exist: its progress refreshes are cheap then.
    [first] = TrainingSession.objects.bulk_create(sessions[:1])
    first.plan = plan  # what its rounds are read from, whether it is stored or not
    _record_rounds(first, round_ends(plan)[:rounds_each], first_minute=0)
    others = TrainingSession.objects.bulk_create(sessions[1:])
    recorded = list(first.rounds.order_by("pk"))
    CompletedRound.objects.bulk_create(
        CompletedRound(
            session=session,
            circuit_number=done.circuit_number,
            round_number=done.round_number,
            exercises=done.exercises,
            completed_at=session.started_at + (done.completed_at - first.started_at),
        )
        for session in others
        for done in recorded
    )
    ProgressSummary.refresh_for(user.pk)
