"""`check_derived_data` finds derived rows left behind outside the ORM, and fixes them."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import User
from safety.models import RedFlag, RedFlagScreening
from sessions.models import ProgressSummary
from tests.history_helpers import past_session


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_derived_data", *args, stdout=out)
    return out.getvalue()


def test_nothing_drifts_after_the_app_writes(alice, protocol):
    past_session(alice, timezone.now())
    RedFlagScreening.objects.create(user=alice, answers={flag.value: False for flag in RedFlag})
    assert "Every derived row matches its record." in run()


def test_a_raw_sql_delete_is_reported_then_fixed(alice, bob, protocol):
    past_session(alice, timezone.now())
    past_session(bob, timezone.now())
    with connection.cursor() as cursor:  # behind the ORM's back, as a hand-made fix might
        cursor.execute(
            "DELETE FROM training_sessions_completedround WHERE session_id IN "
            "(SELECT id FROM training_sessions_trainingsession WHERE user_id = %s)",
            [alice.pk],
        )
    with pytest.raises(CommandError, match="1 derived row"):
        run()
    out = run("--fix")
    assert "alice@example.com: progress: longest_streak is 1, should be 0" in out
    assert ProgressSummary.objects.get(user=alice).longest_streak == 0
    assert "Every derived row matches its record." in run()


def test_a_gate_left_open_by_raw_sql_is_reported_then_fixed(alice):
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.BLADDER_BOWEL.value: True})
    User.objects.filter(pk=alice.pk).update(last_red_flag_at=None)  # a field only, no refresh
    with pytest.raises(CommandError):
        run()
    assert "safety gate: last_red_flag_at is None" in run("--fix")
    alice.refresh_from_db()
    assert alice.last_red_flag_at is not None


def test_a_coach_media_flag_left_behind_is_reported_then_fixed(protocol):
    from protocols.models import Protocol

    Protocol.objects.update(has_coach_media=True)  # no photo or video exists
    with pytest.raises(CommandError, match="1 derived row"):
        run()
    assert "Lower Back Relief: coach media: has_coach_media is True, should be False" in run(
        "--fix"
    )
    assert not Protocol.objects.get().has_coach_media
