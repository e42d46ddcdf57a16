"""Past sessions made quickly through the model API, for the history tests.

`past_session` writes what a guided session would have left behind (the
plan's copy, its rounds with their exercises, pain and notes) without tapping
through 21 steps; `tests.conftest.tap_through` is there for the real thing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from protocols.models import Protocol
from sessions.models import (
    CompletedRound,
    ProgressSummary,
    TrainingSession,
    plan_from_steps,
    rounds_in_plan,
)

SEED = "lower-back-relief"


def _plan() -> list[dict]:
    return plan_from_steps(Protocol.objects.with_exercises().get(slug=SEED).steps())


def _rounds_of(plan: list[dict]) -> list[tuple[dict, list[dict]]]:
    """(the step that ends the round, the exercises done in it) for each round, in order."""
    rounds, first = [], 0
    for index, entry in enumerate(plan):
        if entry["ends_round"]:
            exercises = [
                {"label": e["label"], "name": e["name"], "prescription": e["prescription"]}
                for e in plan[first : index + 1]
            ]
            rounds.append((entry, exercises))
            first = index + 1
    return rounds


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
    done = _rounds_of(plan)[:rounds]
    status = status or ("finished" if rounds == len(_rounds_of(plan)) else "ended_early")
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
    CompletedRound.objects.bulk_create(
        CompletedRound(
            session=session,
            circuit_number=entry["circuit_number"],
            round_number=entry["round"],
            exercises=exercises,
            completed_at=started_at + timedelta(minutes=2 + 2 * number),
        )
        for number, (entry, exercises) in enumerate(done)
    )
    if refresh:
        ProgressSummary.refresh_for(user.pk)
    return session


def many_past_sessions(user, count: int, *, rounds_each: int = 9, with_plans: bool = True) -> None:
    """`count` finished sessions, one a day back from yesterday, written in bulk.

    `with_plans=False` leaves each session's copy of its plan empty: no history
    page reads it (their queries defer it), and on PostgreSQL writing thousands
    of copies takes most of the time.
    """
    plan = _plan()
    protocol = Protocol.objects.get(slug=SEED)
    now = timezone.now()
    sessions = TrainingSession.objects.bulk_create(
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
    )
    CompletedRound.objects.bulk_create(
        CompletedRound(
            session=session,
            circuit_number=entry["circuit_number"],
            round_number=entry["round"],
            exercises=exercises,
            completed_at=session.started_at + timedelta(minutes=2 * number),
        )
        for session in sessions
        for number, (entry, exercises) in enumerate(_rounds_of(plan)[:rounds_each])
    )
    ProgressSummary.refresh_for(user.pk)
