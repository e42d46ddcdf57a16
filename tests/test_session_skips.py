"""Stopping when it hurts: "This hurts: skip it", and skipping an exercise for the session.

The plan: circuit 1 is 1a then 1b (step 2 ends round 1), three rounds, so
1b is steps 2, 4 and 6; the session's last step is 21 (3c, circuit 3 round 3).
"""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import CompletedRound, TrainingSession
from tests.conftest import session_url as url
from tests.conftest import step_fields, tap_through

HIP_CARS = "hip-cars"


def skip(client, session):
    """Tap "This hurts: skip it" on the current step."""
    session.refresh_from_db()
    return client.post(url("skip_step", session), step_fields(session))


def walk_to_the_end(client, session) -> None:
    """As a person does: open the screen, then tap Done (or Continue) on what it shows."""
    for _ in range(2 * session.total_steps):
        client.get(session.get_absolute_url())
        session.refresh_from_db()
        if not session.is_in_progress:
            return
        if session.resting:
            client.post(url("end_rest", session), {"after_step": session.steps_done})
        else:
            client.post(url("complete_step", session), step_fields(session))


# --- Skipping one step ------------------------------------------------------------


def test_a_skip_records_the_exercise_as_skipped_with_the_time_and_moves_on(
    signed_in, alice_session
):
    before = timezone.now()
    response = skip(signed_in, alice_session)
    assert response["Location"] == alice_session.get_absolute_url()
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 1
    [skipped] = alice_session.skipped
    assert (skipped["step"], skipped["exercise"], skipped["label"]) == (
        1,
        "side-lying-thoracic-sweep",
        "1a",
    )
    assert before <= datetime.fromisoformat(skipped["at"]) <= timezone.now()
    assert "passed_over" not in skipped


def test_a_double_tap_on_skip_skips_once(signed_in, alice_session):
    fields = step_fields(alice_session)
    for _ in range(2):
        signed_in.post(url("skip_step", alice_session), fields)
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 1
    assert len(alice_session.skipped) == 1


def test_a_stale_skip_after_done_changes_nothing(signed_in, alice_session):
    fields = step_fields(alice_session)
    signed_in.post(url("complete_step", alice_session), fields)
    signed_in.post(url("skip_step", alice_session), fields)  # the back button, then skip
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 1
    assert alice_session.skipped == []


def test_a_skip_during_a_rest_changes_nothing(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    fields = step_fields(alice_session)
    signed_in.post(url("complete_step", alice_session), fields)  # step 2: a rest follows
    signed_in.post(url("skip_step", alice_session), fields)
    alice_session.refresh_from_db()
    assert (alice_session.steps_done, alice_session.resting) == (2, True)
    assert alice_session.skipped == []


def test_a_round_with_a_skipped_step_is_recorded_with_that_exercise_marked(
    signed_in, alice_session
):
    skip(signed_in, alice_session)  # 1a
    tap_through(signed_in, alice_session, 1)  # 1b ends the round
    [round_one] = CompletedRound.objects.filter(session=alice_session)
    assert [exercise.get("skipped", False) for exercise in round_one.exercises] == [True, False]
    assert not round_one.all_skipped


def test_a_round_whose_last_step_is_skipped_is_still_recorded(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    skip(signed_in, alice_session)  # 1b ends the round
    [round_one] = CompletedRound.objects.filter(session=alice_session)
    assert [exercise.get("skipped", False) for exercise in round_one.exercises] == [False, True]


def test_a_round_with_every_exercise_skipped_is_recorded_and_says_so(signed_in, alice_session):
    skip(signed_in, alice_session)
    skip(signed_in, alice_session)
    [round_one] = CompletedRound.objects.filter(session=alice_session)
    assert round_one.all_skipped
    content = signed_in.get(alice_session.get_history_url()).content.decode()
    assert "(every exercise skipped)" in content


def test_skipping_the_last_step_finishes_the_session(signed_in, alice_session):
    tap_through(signed_in, alice_session, 20)
    response = skip(signed_in, alice_session)
    assert response["Location"] == url("finish", alice_session)
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.FINISHED
    assert CompletedRound.objects.filter(session=alice_session).count() == 9


# --- What the screen says after a skip ------------------------------------------------


def test_the_step_after_a_skip_says_what_to_do(signed_in, alice_session):
    skip(signed_in, alice_session)  # 1a; 1b follows without a rest
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "You skipped 1a Side Lying Thoracic Sweep" in content
    assert "smaller range" in content
    assert "Numbness, tingling or pain that spreads?" in content
    assert 'name="then" value="safety_questions"' in content
    assert "Skip 1a Side Lying Thoracic Sweep for the rest of this session" in content


def test_the_rest_after_a_skip_says_what_to_do_and_waits(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    skip(signed_in, alice_session)  # 1b, then a rest
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert 'data-screen="rest"' in content
    assert "You skipped 1b Hip CARs" in content
    assert "data-hold" in content  # the countdown does not move on by itself


def test_the_advice_goes_once_the_next_step_is_done(signed_in, alice_session):
    skip(signed_in, alice_session)
    tap_through(signed_in, alice_session, 1)
    signed_in.post(url("end_rest", alice_session), {"after_step": 2})
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "You skipped" not in content
    assert "data-hold" not in content


def test_a_rest_after_a_done_still_moves_on_by_itself(signed_in, alice_session):
    tap_through(signed_in, alice_session, 2)
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert 'data-screen="rest"' in content
    assert "data-hold" not in content


def test_one_tap_ends_the_session_and_asks_the_safety_questions(signed_in, alice_session):
    skip(signed_in, alice_session)
    response = signed_in.post(url("end", alice_session), {"then": "safety_questions"})
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.ENDED_EARLY
    screening = reverse("safety:screening")
    finish = url("finish", alice_session).replace("/", "%2F")
    assert response["Location"] == f"{screening}?next={finish}"


def test_ending_early_without_it_goes_to_the_finish_page_as_before(signed_in, alice_session):
    response = signed_in.post(url("end", alice_session))
    assert response["Location"] == url("finish", alice_session)


# --- Skipping an exercise for the rest of the session -----------------------------------


def test_skipping_an_exercise_for_the_session_passes_over_its_later_steps(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    skip(signed_in, alice_session)  # 1b, round 1
    signed_in.post(url("skip_exercise", alice_session), {"exercise": HIP_CARS})
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "will be passed over for the rest of this session" in content
    walk_to_the_end(signed_in, alice_session)
    assert alice_session.status == TrainingSession.Status.FINISHED
    skipped = [
        (s["step"], s["exercise"], s.get("passed_over", False)) for s in alice_session.skipped
    ]
    assert skipped == [(2, HIP_CARS, False), (4, HIP_CARS, True), (6, HIP_CARS, True)]
    rounds = CompletedRound.objects.filter(session=alice_session)
    assert rounds.count() == 9
    for circuit_one in rounds.filter(circuit_number=1):
        assert [e.get("skipped", False) for e in circuit_one.exercises] == [False, True]


def test_a_passed_over_step_says_so_briefly(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    skip(signed_in, alice_session)
    signed_in.post(url("skip_exercise", alice_session), {"exercise": HIP_CARS})
    tap_through(signed_in, alice_session, 1)  # rest ends, 1a of round 2 done
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    alice_session.refresh_from_db()
    assert (alice_session.steps_done, alice_session.resting) == (4, True)
    assert "1b Hip CARs (controlled articular rotations) passed over" in content
    assert "data-hold" not in content


def test_only_an_exercise_of_the_plan_can_be_skipped_for_the_session(signed_in, alice_session):
    signed_in.post(url("skip_exercise", alice_session), {"exercise": "not-in-the-plan"})
    signed_in.post(url("skip_exercise", alice_session), {"exercise": HIP_CARS})
    signed_in.post(url("skip_exercise", alice_session), {"exercise": HIP_CARS})
    alice_session.refresh_from_db()
    assert alice_session.skipping_exercises == [HIP_CARS]


def test_skipping_for_a_session_that_is_over_changes_nothing(signed_in, alice_session):
    alice_session.end_early()
    signed_in.post(url("skip_exercise", alice_session), {"exercise": HIP_CARS})
    alice_session.refresh_from_db()
    assert alice_session.skipping_exercises == []


def test_the_last_step_passed_over_finishes_the_session(signed_in, alice_session):
    tap_through(signed_in, alice_session, 20)
    alice_session.skip_for_rest_of_session("worlds-greatest-stretch")
    response = signed_in.get(alice_session.get_absolute_url())
    assert response["Location"] == url("finish", alice_session)
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.FINISHED
    assert alice_session.skipped[-1]["step"] == 21


# --- The step screen's stop rule and how-to ------------------------------------------------


def test_the_stop_rule_is_always_in_view_outside_the_folded_how_to(signed_in, alice_session):
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    stop_rule = content.index("When to stop:")
    how_to = content.index('<details class="how-to-details"')
    assert stop_rule < how_to
    assert "When to stop:" not in content[how_to : content.index("</details>")]


def test_the_how_to_opens_by_itself_the_first_time_an_exercise_comes_up(signed_in, alice_session):
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert '<details class="how-to-details" open>' in content  # circuit 1, round 1
    tap_through(signed_in, alice_session, 2)
    signed_in.post(url("end_rest", alice_session), {"after_step": 2})
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "Round 2 of 3" in content
    assert '<details class="how-to-details">' in content  # folded in round 2


def test_the_step_screen_has_the_skip_button_beside_done(signed_in, alice_session):
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert f'action="{url("skip_step", alice_session)}"' in content
    assert "This hurts: skip it" in content


# --- History shows skips --------------------------------------------------------------------


@pytest.fixture
def session_with_a_skip(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    skip(signed_in, alice_session)  # 1b of circuit 1, round 1
    alice_session.refresh_from_db()
    tap_through(signed_in, alice_session)
    return alice_session


def test_the_summary_lists_what_was_skipped(signed_in, session_with_a_skip):
    content = signed_in.get(url("summary", session_with_a_skip)).content.decode()
    assert "Skipped because it hurt" in content
    assert "1b Hip CARs" in content


def test_the_history_list_counts_skipped_exercises(signed_in, session_with_a_skip):
    content = signed_in.get(reverse("history:list")).content.decode()
    assert "1 exercise skipped" in content


def test_the_history_detail_marks_the_skipped_exercise_in_its_round(signed_in, session_with_a_skip):
    content = signed_in.get(session_with_a_skip.get_history_url()).content.decode()
    assert content.count(">skipped</span>") == 1
    assert "Skipped because it hurt" in content


def test_the_csv_marks_skipped_exercises(signed_in, session_with_a_skip):
    import csv
    import io

    response = signed_in.get(reverse("history:export_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, first, second, *_ = csv.reader(io.StringIO(content, newline=""))
    row = dict(zip(header, first, strict=True))
    assert row["skipped"] == "1b"
    assert row["exercises"].endswith("1b Hip CARs (controlled articular rotations) (skipped)")
    assert dict(zip(header, second, strict=True))["skipped"] == ""


def test_the_print_page_counts_skipped_exercises(signed_in, session_with_a_skip):
    content = signed_in.get(reverse("history:print")).content.decode()
    assert "1 exercise skipped" in content
