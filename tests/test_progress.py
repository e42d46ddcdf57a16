"""Progress at a glance: streaks, weekly counts, pain change, and the summary kept per user."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from protocols.models import Protocol
from sessions.models import ProgressSummary, TrainingSession
from sessions.progress import Progress, Runs, runs, week_start, weekly_counts
from tests.conftest import tap_through
from tests.history_helpers import past_session

MONDAY = date(2026, 3, 2)


def days(*offsets: int) -> list[date]:
    return [MONDAY + timedelta(days=offset) for offset in offsets]


def on(offset: int) -> date:
    return MONDAY + timedelta(days=offset)


# --- Streaks (pure) --------------------------------------------------------------


def test_no_days_no_streaks():
    found = runs([])
    assert (found.current(MONDAY), found.longest) == (0, 0)


def test_consecutive_days_up_to_today_are_the_current_streak():
    found = runs(days(0, 1, 2, 3))
    assert (found.current(on(3)), found.longest) == (4, 4)


def test_a_streak_survives_until_a_whole_day_is_missed():
    found = runs(days(0, 1, 2))
    assert (found.current(on(3)), found.longest) == (3, 3)  # not yet today
    assert (found.current(on(4)), found.longest) == (0, 3)  # a day missed


def test_a_gap_starts_a_new_run_and_the_longest_is_kept():
    found = runs(days(0, 1, 2, 3, 4, 6, 7))
    assert (found.current(on(7)), found.longest) == (2, 5)


def test_two_sessions_on_one_day_count_once():
    found = runs(days(0, 0, 1, 1, 1))
    assert (found.current(on(1)), found.longest) == (2, 2)


def test_days_in_any_order_make_the_same_runs():
    assert runs(days(5, 0, 2, 1, 6)) == Runs(
        longest=3, last_end=MONDAY + timedelta(days=6), last_days=2
    )


def test_a_run_crosses_month_and_year_ends():
    found = runs([date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)])
    assert (found.current(date(2026, 1, 2)), found.longest) == (4, 4)


# --- Weeks (pure) ------------------------------------------------------------------


def test_weeks_start_on_monday():
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # a Sunday
    assert week_start(date(2026, 3, 2)) == date(2026, 3, 2)


def test_weekly_counts_cover_twelve_weeks_oldest_first():
    today = date(2026, 3, 5)  # a Thursday
    counts = weekly_counts(
        {date(2026, 3, 2): 1, date(2026, 3, 4): 2, date(2026, 2, 22): 1, date(2025, 12, 1): 5},
        today,
    )
    assert len(counts) == 12
    assert counts[-1].start == date(2026, 3, 2)
    assert counts[-1].sessions == 3
    assert (counts[-2].start, counts[-2].sessions) == (date(2026, 2, 23), 0)
    assert (counts[-3].start, counts[-3].sessions) == (date(2026, 2, 16), 1)  # Sunday the 22nd
    assert counts[0].start == date(2025, 12, 15)
    assert sum(week.sessions for week in counts) == 4  # 1 December is too long ago


def test_weekly_counts_with_nothing_are_zeros():
    assert [week.sessions for week in weekly_counts({}, MONDAY)] == [0] * 12


def test_progress_without_a_summary_is_all_zero():
    progress = Progress.from_summary(None, MONDAY)
    assert (progress.current_streak, progress.longest_streak, progress.this_week) == (0, 0, 0)
    assert progress.average_pain_change is None


# --- The summary kept per user -----------------------------------------------------


def summary_progress(user, today):
    return Progress.from_summary(ProgressSummary.objects.filter(user=user).first(), today)


def test_the_summary_counts_sessions_over_with_a_round(alice, protocol):
    today = timezone.localdate()
    now = timezone.now()
    past_session(alice, now - timedelta(days=2), pain_before=6, pain_after=3)
    past_session(alice, now - timedelta(days=1), rounds=1, pain_before=5, pain_after=5)
    past_session(alice, now, rounds=0, pain_before=4, pain_after=2)  # ended before any round
    progress = summary_progress(alice, today)
    assert (progress.current_streak, progress.longest_streak) == (2, 2)
    # Pain counts for every session rated before and after: (-3 + 0 - 2) / 3.
    assert progress.average_pain_change == pytest.approx(-1.7)
    assert progress.sessions_with_pain == 3


def test_a_session_in_progress_does_not_count_yet(alice, protocol):
    past_session(alice, timezone.now(), rounds=4, status="in_progress")
    progress = summary_progress(alice, timezone.localdate())
    assert (progress.current_streak, progress.this_week) == (0, 0)


def test_finishing_a_session_updates_progress(client, alice, protocol):
    client.force_login(alice)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 5)
    tap_through(client, session)
    assert summary_progress(alice, timezone.localdate()).current_streak == 1
    client.post(f"/session/{session.pk}/finish/", {"pain_after": "2"})
    assert summary_progress(alice, timezone.localdate()).average_pain_change == -3


def test_ending_early_after_a_round_updates_progress(client, alice, protocol):
    client.force_login(alice)
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    tap_through(client, session, 2)
    assert summary_progress(alice, timezone.localdate()).this_week == 0
    session.end_early()
    assert summary_progress(alice, timezone.localdate()).this_week == 1


def test_deleting_a_session_updates_progress(alice, protocol):
    now = timezone.now()
    past_session(alice, now - timedelta(days=1))
    middle = past_session(alice, now - timedelta(days=2))
    past_session(alice, now - timedelta(days=3))
    assert summary_progress(alice, timezone.localdate()).longest_streak == 3
    middle.delete()
    assert summary_progress(alice, timezone.localdate()).longest_streak == 1


def test_a_bulk_delete_of_sessions_updates_progress(alice, bob, protocol):
    past_session(alice, timezone.now() - timedelta(days=1))
    past_session(bob, timezone.now() - timedelta(days=1))
    TrainingSession.objects.filter(user=alice).delete()
    assert summary_progress(alice, timezone.localdate()).current_streak == 0
    assert summary_progress(bob, timezone.localdate()).current_streak == 1


def test_a_bulk_update_of_what_progress_counts_updates_it(alice, protocol):
    past_session(alice, timezone.now(), pain_before=6, pain_after=6)
    TrainingSession.objects.filter(user=alice).update(pain_after=2)
    assert summary_progress(alice, timezone.localdate()).average_pain_change == -4
    TrainingSession.objects.filter(user=alice).update(status="in_progress")
    assert summary_progress(alice, timezone.localdate()).current_streak == 0


def test_sessions_and_rounds_created_in_bulk_count(alice, protocol):
    """Bulk creation refreshes the summary as it goes (no explicit refresh here)."""
    from sessions.models import CompletedRound

    now = timezone.now()
    session = TrainingSession.objects.bulk_create(
        [
            TrainingSession(
                user=alice,
                protocol=protocol,
                protocol_name=protocol.name,
                status="finished",
                started_at=now,
                local_date=timezone.localdate(now),
                pain_before=5,
                pain_after=3,
                plan=[],
            )
        ]
    )[0]
    assert summary_progress(alice, timezone.localdate()).current_streak == 0  # no round yet
    CompletedRound.objects.bulk_create(
        [CompletedRound(session=session, circuit_number=1, round_number=1, exercises=[])]
    )
    assert summary_progress(alice, timezone.localdate()).current_streak == 1
    CompletedRound.objects.filter(session=session).delete()
    assert summary_progress(alice, timezone.localdate()).current_streak == 0


def test_a_round_saved_or_deleted_on_its_own_moves_progress(alice, protocol):
    """One round at a time, through the model, as admin or a shell would: the summary follows."""
    session = past_session(alice, timezone.now(), rounds=1)
    assert summary_progress(alice, timezone.localdate()).current_streak == 1
    [only] = session.rounds.all()
    only.delete()
    assert summary_progress(alice, timezone.localdate()).current_streak == 0
    only.pk = None
    only.save()
    assert summary_progress(alice, timezone.localdate()).current_streak == 1


def test_the_summary_is_each_users_own(alice, bob, protocol):
    past_session(alice, timezone.now())
    assert summary_progress(bob, timezone.localdate()).this_week == 0


# --- Calendar days in the user's time zone ------------------------------------------


def test_a_session_just_after_midnight_counts_for_that_local_day(alice, protocol):
    # 00:30 on Tuesday in Auckland is still Monday 11:30 in UTC.
    auckland = ZoneInfo("Pacific/Auckland")
    with timezone.override(auckland):
        started = datetime(2026, 3, 3, 0, 30, tzinfo=auckland)
        assert started.astimezone(UTC).date() == date(2026, 3, 2)
        session = past_session(alice, started, zone="Pacific/Auckland")
    assert session.local_date == date(2026, 3, 3)


def test_starting_a_session_records_the_day_in_the_active_zone(alice, protocol, settings):
    los_angeles = ZoneInfo("America/Los_Angeles")
    with timezone.override(los_angeles):
        session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), None)
    assert session.local_date == timezone.localdate(session.started_at, los_angeles)
    session.refresh_from_db()
    assert session.local_date == timezone.localdate(session.started_at, los_angeles)


def test_streaks_follow_local_days_not_utc_days(alice, protocol):
    # Late evening Monday and early Tuesday in New York: one UTC day, two local days.
    new_york = ZoneInfo("America/New_York")
    past_session(alice, datetime(2026, 3, 2, 19, 30, tzinfo=new_york), zone="America/New_York")
    past_session(alice, datetime(2026, 3, 3, 6, 0, tzinfo=new_york), zone="America/New_York")
    assert {s.started_at.astimezone(UTC).date() for s in TrainingSession.objects.all()} == {
        date(2026, 3, 3)
    }
    progress = summary_progress(alice, date(2026, 3, 3))
    assert (progress.current_streak, progress.longest_streak) == (2, 2)
