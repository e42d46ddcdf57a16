"""The library's migrations keep every session, and with the protocol it was of.

Before them, Start always took the first protocol: that one becomes
published and featured, and every existing session still belongs to it. A
protocol a coach had added (readable at its URL, never startable) becomes a
draft. Progress by protocol is filled in from each person's whole progress.
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import migrate

pytestmark = [
    pytest.mark.slow,  # migrates the test database back and forth
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("protocols", "0006_pacing"), ("training_sessions", "0006_share_links")]
AFTER = [("protocols", "0007_protocol_library"), ("training_sessions", "0007_protocol_library")]


def test_every_session_keeps_the_seeded_protocol_which_is_published_and_featured(
    alice, bob, protocol
):
    from tests.history_helpers import _plan

    # A plan as sessions stored it before timed holds: no "measure".
    plan = [{k: v for k, v in entry.items() if k != "measure"} for entry in _plan()]
    old = migrate(BEFORE)
    try:
        protocol_model = old.get_model("protocols", "Protocol")
        session_model = old.get_model("training_sessions", "TrainingSession")
        round_model = old.get_model("training_sessions", "CompletedRound")
        summary_model = old.get_model("training_sessions", "ProgressSummary")
        added = protocol_model.objects.create(
            name="A coach's second", slug="coachs-second", summary="Added in admin."
        )
        started = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
        for day in range(3):
            session = session_model.objects.create(
                user_id=alice.pk,
                protocol_id=protocol.pk,
                protocol_name=protocol.name,
                status="finished",
                started_at=started + timedelta(days=day),
                local_date=(started + timedelta(days=day)).date(),
                finished_at=started + timedelta(days=day, minutes=25),
                pain_before=6,
                pain_after=4,
                plan=plan,
                total_rounds=9,
                steps_done=21,
            )
            round_model.objects.create(
                session=session, circuit_number=1, round_number=1, exercises=[]
            )
        in_progress = session_model.objects.create(
            user_id=bob.pk,
            protocol_id=protocol.pk,
            protocol_name=protocol.name,
            plan=plan,
            total_rounds=9,
        )
        summary_model.objects.create(
            user_id=alice.pk,
            longest_streak=3,
            last_run_end=(started + timedelta(days=2)).date(),
            last_run_days=3,
            recent_days={"2026-03-01": 1, "2026-03-02": 1, "2026-03-03": 1},
            pain_change_total=-6,
            pain_change_sessions=3,
        )
        summary_model.objects.create(user_id=bob.pk)
    finally:
        new = migrate(AFTER)

    protocols = new.get_model("protocols", "Protocol").objects
    seeded = protocols.get(pk=protocol.pk)
    assert (seeded.status, seeded.is_featured) == ("published", True)
    assert (protocols.get(pk=added.pk).status, protocols.get(pk=added.pk).is_featured) == (
        "draft",
        False,
    )
    sessions = new.get_model("training_sessions", "TrainingSession").objects
    assert sessions.count() == 4
    assert set(sessions.values_list("protocol_id", flat=True)) == {protocol.pk}
    assert not sessions.filter(preview=True).exists()
    assert sessions.get(pk=in_progress.pk).status == "in_progress"
    assert new.get_model("training_sessions", "CompletedRound").objects.count() == 3
    # Every step of the plans as they were: a plan without "measure" is read as reps.
    assert all("measure" not in entry for entry in sessions.first().plan)

    summaries = new.get_model("training_sessions", "ProgressSummary").objects
    assert summaries.get(user_id=alice.pk).per_protocol == {
        str(protocol.pk): {
            "name": protocol.name,
            "recent_days": {"2026-03-01": 1, "2026-03-02": 1, "2026-03-03": 1},
            "pain_change_total": -6,
            "pain_change_sessions": 3,
        }
    }
    assert summaries.get(user_id=bob.pk).per_protocol == {}, "nothing over: nothing by protocol"
    exercises = new.get_model("protocols", "Exercise").objects
    assert set(exercises.values_list("measure", flat=True)) == {"reps"}


def test_a_fresh_database_migrates_with_no_protocol_and_the_seed_is_featured(db):
    import io

    from django.core.management import call_command

    from protocols.models import Protocol

    assert not Protocol.objects.exists()
    call_command("seed_protocol", stdout=io.StringIO())
    seeded = Protocol.objects.get()
    assert seeded.status == Protocol.Status.PUBLISHED and seeded.is_featured
    assert Protocol.objects.featured() == seeded


def test_plans_from_before_timed_holds_read_as_reps(alice, protocol):
    from sessions.models import PlannedStep, TrainingSession
    from tests.library_helpers import with_exercises

    session = TrainingSession.start(alice, with_exercises(protocol), 3)
    old_plan = [{k: v for k, v in entry.items() if k != "measure"} for entry in session.plan]
    step = PlannedStep.from_plan(old_plan, 1)
    assert not step.is_hold and step.measure == "reps"
    assert [p.kind for p in step.pacing()][:2] == ["get_ready", "rep"]
