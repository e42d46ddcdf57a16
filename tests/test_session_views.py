"""The guided session through the test client: every view, happy and unhappy paths."""

import json
import re

import pytest
from django.urls import reverse

from protocols.models import Protocol
from safety.models import RedFlagScreening
from sessions.models import CompletedRound, TrainingSession
from tests.conftest import clear_safety_gate, step_fields, tap_through
from tests.conftest import session_url as url

START = reverse("training_sessions:start")


# --- Access ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["session", "end", "finish", "summary"])
def test_it_requires_login(client, alice_session, name):
    response = client.get(url(name, alice_session))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("name", ["complete_step", "end_rest", "end"])
def test_posts_require_login(client, alice_session, name):
    response = client.post(url(name, alice_session), step_fields(alice_session))
    assert response.status_code == 302
    assert "login" in response["Location"]
    alice_session.refresh_from_db()
    assert (alice_session.steps_done, alice_session.status) == (0, "in_progress")


def test_start_requires_login(client, db):
    assert client.get(START).status_code == 302


@pytest.mark.parametrize("name", ["session", "end", "finish", "summary"])
def test_other_users_session_is_404(client, bob, alice_session, disclaimer, name):
    clear_safety_gate(bob)
    client.force_login(bob)
    assert client.get(url(name, alice_session)).status_code == 404
    assert client.post(url(name, alice_session)).status_code == 404


def test_other_user_cannot_tap_done_on_alices_session(client, bob, alice_session):
    client.force_login(bob)
    response = client.post(url("complete_step", alice_session), step_fields(alice_session))
    assert response.status_code == 404
    assert client.post(url("end_rest", alice_session), {"after_step": 1}).status_code == 404
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 0


def test_unknown_session_is_404(signed_in):
    assert signed_in.get("/session/999999/").status_code == 404


def test_done_and_rest_only_take_posts(signed_in, alice_session):
    assert signed_in.get(url("complete_step", alice_session)).status_code == 405
    assert signed_in.get(url("end_rest", alice_session)).status_code == 405


# --- The safety gate ------------------------------------------------------------


def test_starting_needs_the_disclaimer_first(client, alice, disclaimer, protocol):
    client.force_login(alice)
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:disclaimer") + "?next=%2Fsession%2F"
    client.post(START, {"pain_before": "3"})
    assert not TrainingSession.objects.exists()


def test_a_session_in_progress_is_behind_the_gate_too(client, alice, alice_session, disclaimer):
    client.force_login(alice)
    response = client.get(alice_session.get_absolute_url())
    assert response["Location"].startswith(reverse("safety:disclaimer"))


def test_a_red_flag_today_stops_the_session(signed_in, alice, alice_session):
    RedFlagScreening.objects.create(user=alice, answers={"fever_unwell": True})
    response = signed_in.get(alice_session.get_absolute_url())
    assert response["Location"] == reverse("safety:screening_result")
    assert signed_in.get(START)["Location"] == reverse("safety:screening_result")


def test_high_pain_at_the_start_asks_about_red_flags_first(signed_in, alice, protocol):
    response = signed_in.post(START, {"pain_before": "8"})
    session = TrainingSession.objects.get(user=alice)
    assert response["Location"] == (
        reverse("safety:screening") + f"?next=%2Fsession%2F{session.pk}%2F"
    )


def test_the_summary_after_a_bad_session_offers_the_questions_again(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    signed_in.post(url("finish", alice_session), {"pain_after": "9"})
    content = signed_in.get(url("summary", alice_session)).content.decode()
    assert "Answer the safety questions again" in content
    assert reverse("safety:screening") + "?next=" in content


# --- Start ----------------------------------------------------------------------


def test_start_asks_for_pain_before(signed_in, protocol):
    response = signed_in.get(START)
    assert response.status_code == 200
    content = response.content.decode()
    assert "How much does your back hurt right now?" in content
    assert content.count('name="pain_before"') == 11


def test_a_skipped_pain_score_asks_once_whether_anything_is_new(signed_in, alice, protocol):
    from datetime import timedelta

    from django.utils import timezone

    RedFlagScreening.objects.filter(user=alice).update(
        answered_at=timezone.now() - timedelta(days=2)
    )
    response = signed_in.post(START, {"pain_before": ""})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Anything new since last time?" in content
    assert f'href="{reverse("safety:screening")}?changed=1&amp;next=%2Fsession%2F"' in content
    assert not TrainingSession.objects.exists()

    response = signed_in.post(START, {"pain_before": "", "nothing_new": "on"})
    session = TrainingSession.objects.get(user=alice)
    assert response["Location"] == session.get_absolute_url()
    assert session.pain_before is None


def test_nothing_new_is_not_asked_of_someone_who_answered_today(signed_in, alice, protocol):
    response = signed_in.post(START, {"pain_before": ""})
    assert response.status_code == 302
    assert TrainingSession.objects.filter(user=alice).exists()


def test_the_start_screen_says_who_it_is_for_what_you_need_and_how_long(signed_in, protocol):
    content = signed_in.get(START).content.decode()
    assert "7 exercises in 3 circuits, 9 rounds in all" in content
    assert "See a doctor or physio first</strong> if this is a new injury" in content
    assert "after a fall or accident" in content
    assert "a mat or a soft floor, a pillow for your head, and a wall or a sturdy chair" in content
    assert "with 30 seconds of rest between rounds and 60 seconds between circuits" in content
    assert "circuit 1 alone is fine" in content and "Rest days are fine too" in content
    assert "mild soreness is normal" in content


def test_starting_records_pain_and_opens_step_one(signed_in, alice, protocol):
    response = signed_in.post(START, {"pain_before": "4"})
    session = TrainingSession.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == session.get_absolute_url()
    assert session.pain_before == 4
    assert session.steps_done == 0


def test_pain_is_optional(signed_in, alice, protocol):
    signed_in.post(START, {})
    assert TrainingSession.objects.get(user=alice).pain_before is None


@pytest.mark.parametrize("pain", ["11", "-1", "abc", "4.5", "😀" * 20])
def test_bad_pain_gets_a_message_and_starts_nothing(signed_in, alice, protocol, pain):
    response = signed_in.post(START, {"pain_before": pain})
    assert response.status_code == 200
    assert "Choose a number from 0" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_start_offers_resume_when_a_session_is_in_progress(signed_in, alice_session):
    tap_through(signed_in, alice_session, 3)
    content = signed_in.get(START).content.decode()
    assert "Resume" in content
    assert "step 4 of 21" in content


def test_starting_again_resumes_instead(signed_in, alice_session):
    response = signed_in.post(START, {"pain_before": "2"})
    assert response["Location"] == alice_session.get_absolute_url()
    assert TrainingSession.objects.count() == 1


def test_start_without_a_protocol_says_so(signed_in, no_protocol):
    response = signed_in.post(START, {"pain_before": "2"}, follow=True)
    assert "There is no exercise to follow yet" in response.content.decode()
    assert not TrainingSession.objects.exists()


# --- Steps ----------------------------------------------------------------------


def test_the_step_screen_says_where_what_and_next(signed_in, alice_session):
    tap_through(signed_in, alice_session, 8)
    signed_in.post(url("end_rest", alice_session), {"after_step": 8})
    response = signed_in.get(alice_session.get_absolute_url())
    content = response.content.decode()
    assert "Circuit 2 · Round 2 of 3" in content
    assert "Step 9 of 21" in content
    assert "Cross Tension Deadbugs" in content
    assert "5 reps each side" in content
    assert "Your easier side first, then the other" in content
    assert "Hand and knee keep pressing into each other" in content
    assert "How to do it" in content
    assert "Rockback T-Spine Rotations" in content  # next
    assert 'name="step" value="9"' in content


def test_a_full_session_records_nine_rounds(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    assert alice_session.status == TrainingSession.Status.FINISHED
    assert CompletedRound.objects.filter(session=alice_session).count() == 9


def test_the_last_done_goes_to_the_finish_page(signed_in, alice_session):
    tap_through(signed_in, alice_session, 20)
    alice_session.refresh_from_db()
    response = signed_in.post(url("complete_step", alice_session), step_fields(alice_session))
    assert response["Location"] == url("finish", alice_session)


def test_double_post_of_every_step_still_records_nine(signed_in, alice_session):
    for _ in range(21):
        alice_session.refresh_from_db()
        if alice_session.resting:
            for _ in range(2):
                signed_in.post(
                    url("end_rest", alice_session), {"after_step": alice_session.steps_done}
                )
            alice_session.refresh_from_db()
        fields = step_fields(alice_session)
        first = signed_in.post(url("complete_step", alice_session), fields)
        second = signed_in.post(url("complete_step", alice_session), fields)
        assert first.status_code == second.status_code == 302
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 21
    assert alice_session.rounds.count() == 9


def test_back_button_replay_changes_nothing(signed_in, alice_session):
    tap_through(signed_in, alice_session, 1)
    old = {"step": 1, "circuit": alice_session.plan[0]["circuit_number"], "round": 1}
    old["exercise"] = alice_session.plan[0]["exercise"]
    tap_through(signed_in, alice_session, 3)
    before = alice_session.steps_done
    response = signed_in.post(url("complete_step", alice_session), old)
    assert response.status_code == 302
    assert response["Location"] == alice_session.get_absolute_url()
    alice_session.refresh_from_db()
    assert alice_session.steps_done == before
    assert alice_session.rounds.count() == 2


@pytest.mark.parametrize(
    "tamper",
    [
        {"circuit": 999},
        {"exercise": 999},
        {"exercise": "hip-cars"},
        {"round": 3},
        {"step": 5},
        {"step": "abc"},
        {"step": ""},
        {"round": "-1"},
        {"exercise": "1" * 200},
    ],
)
def test_tampered_step_fields_change_nothing(signed_in, alice_session, tamper):
    response = signed_in.post(
        url("complete_step", alice_session), step_fields(alice_session) | tamper
    )
    assert response.status_code == 302
    assert response["Location"] == alice_session.get_absolute_url()
    alice_session.refresh_from_db()
    assert alice_session.steps_done == 0


def test_a_step_from_a_finished_session_changes_nothing(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    last = {"step": 21, "circuit": alice_session.plan[20]["circuit_number"], "round": 3}
    last["exercise"] = alice_session.plan[20]["exercise"]
    response = signed_in.post(url("complete_step", alice_session), last)
    assert response["Location"] == alice_session.get_absolute_url()
    assert signed_in.get(alice_session.get_absolute_url())["Location"] == url(
        "summary", alice_session
    )
    assert alice_session.rounds.count() == 9


# --- Rests ----------------------------------------------------------------------


def test_the_rest_screen_counts_down_and_continues(signed_in, alice_session):
    tap_through(signed_in, alice_session, 2)
    assert alice_session.resting
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "<h1>Rest</h1>" in content
    assert "Round 1 of 3 done" in content
    assert 'data-seconds="30"' in content or 'data-seconds="29"' in content
    assert "Continue" in content

    response = signed_in.post(url("end_rest", alice_session), {"after_step": 2})
    assert response["Location"] == alice_session.get_absolute_url()
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "Step 3 of 21" in content


@pytest.mark.parametrize("after_step", ["1", "3", "abc", "", "99999"])
def test_a_stale_or_bad_rest_post_changes_nothing(signed_in, alice_session, after_step):
    tap_through(signed_in, alice_session, 2)
    signed_in.post(url("end_rest", alice_session), {"after_step": after_step})
    alice_session.refresh_from_db()
    assert alice_session.resting


def test_between_circuits_the_rest_says_so(signed_in, alice_session):
    tap_through(signed_in, alice_session, 6)
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "Circuit 1 done" in content
    assert 'data-seconds="60"' in content or 'data-seconds="59"' in content


# --- Ending, finishing, summary ---------------------------------------------------


def test_end_early_asks_first_then_keeps_the_rounds(signed_in, alice_session):
    tap_through(signed_in, alice_session, 8)
    assert "End this session now?" in signed_in.get(url("end", alice_session)).content.decode()
    alice_session.refresh_from_db()
    assert alice_session.is_in_progress

    response = signed_in.post(url("end", alice_session))
    assert response["Location"] == url("finish", alice_session)
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.ENDED_EARLY
    assert alice_session.rounds.count() == 4


def test_ending_a_finished_session_goes_to_its_summary(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    response = signed_in.post(url("end", alice_session))
    assert response["Location"] == url("summary", alice_session)
    alice_session.refresh_from_db()
    assert alice_session.status == TrainingSession.Status.FINISHED


def test_finish_records_pain_after_and_notes(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    response = signed_in.post(
        url("finish", alice_session), {"pain_after": "2", "notes": " Easier "}
    )
    assert response["Location"] == url("summary", alice_session)
    alice_session.refresh_from_db()
    assert (alice_session.pain_after, alice_session.notes) == (2, "Easier")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pain_after": "11"}, "Choose a number from 0"),
        ({"pain_after": "abc"}, "Choose a number from 0"),
        ({"notes": "x" * 100_000}, "Please keep notes under 2,000 characters"),
    ],
)
def test_bad_reflection_gets_a_message_and_keeps_the_record(
    signed_in, alice_session, data, message
):
    tap_through(signed_in, alice_session)
    response = signed_in.post(url("finish", alice_session), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    alice_session.refresh_from_db()
    assert (alice_session.pain_after, alice_session.notes) == (None, "")


def test_finish_before_the_end_goes_back_to_the_session(signed_in, alice_session):
    assert (
        signed_in.get(url("finish", alice_session))["Location"] == alice_session.get_absolute_url()
    )
    assert (
        signed_in.get(url("summary", alice_session))["Location"] == alice_session.get_absolute_url()
    )


def test_summary_shows_rounds_time_and_pain(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    signed_in.post(url("finish", alice_session), {"pain_after": "2", "notes": "Hips loosened up"})
    content = signed_in.get(url("summary", alice_session)).content.decode()
    assert "9 of 9" in content
    assert "4 → 2" in content
    assert "Hips loosened up" in content
    assert "Find a skilled practitioner" in content  # footer only
    assert "Your back hurts" not in content


@pytest.mark.parametrize(("pain_after", "words"), [("8", "a lot"), ("5", "more than before")])
def test_summary_points_to_a_practitioner_when_it_went_badly(
    signed_in, alice_session, pain_after, words
):
    tap_through(signed_in, alice_session)
    signed_in.post(url("finish", alice_session), {"pain_after": pain_after})
    content = signed_in.get(url("summary", alice_session)).content.decode()
    assert f"Your back hurts {words}" in content


# --- Queries ----------------------------------------------------------------------


def _past_sessions(user, count):
    protocol = Protocol.objects.get()
    TrainingSession.objects.bulk_create(
        TrainingSession(
            user=user,
            protocol=protocol,
            protocol_name=protocol.name,
            status=TrainingSession.Status.FINISHED,
            plan=[],
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("screen", ["step", "rest", "start", "summary"])
def test_queries_per_screen_do_not_grow_with_history(client, alice, protocol, disclaimer, screen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear_safety_gate(alice)

    def count_queries():
        session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
        client.force_login(alice)
        if screen == "rest":
            tap_through(client, session, 2)
        if screen == "summary":
            tap_through(client, session)
        target = {"step": session.get_absolute_url(), "rest": session.get_absolute_url(),
                  "start": START, "summary": url("summary", session)}[screen]  # fmt: skip
        client.get(target)  # the protocol cache is warm from here on, as in production
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        session.delete()
        return len(queries)

    with_no_history = count_queries()
    _past_sessions(alice, 500)
    with_history = count_queries()
    assert with_no_history == with_history
    assert with_history <= 6


def test_an_admin_edit_shows_in_the_next_session_not_the_one_in_progress(signed_in, alice_session):
    """A session keeps the instructions it started with; the next one has the edit."""
    from protocols.models import Exercise

    sweep = Exercise.objects.get(label="1a")
    started_with = sweep.cue
    sweep.cue = "A freshly edited cue."
    sweep.save()
    page = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert started_with in page and "A freshly edited cue." not in page

    alice_session.end_early()
    signed_in.post(START, {"pain_before": ""})
    following = TrainingSession.objects.in_progress().get()
    assert "A freshly edited cue." in signed_in.get(following.get_absolute_url()).content.decode()


def test_the_step_screen_costs_four_queries_when_warm(
    signed_in, alice_session, django_assert_num_queries
):
    signed_in.get(alice_session.get_absolute_url())
    # The login session, the user (with the safety gate's inputs), the training
    # session with its protocol, and Guide me's settings. (With Redis the login
    # session is read from there: tests/test_redis_cache.py counts three.)
    with django_assert_num_queries(4):
        signed_in.get(alice_session.get_absolute_url())


def test_high_pain_with_no_warning_signs_says_go_gently_before_step_one(signed_in, alice, protocol):
    signed_in.post(START, {"pain_before": "8"})
    session = TrainingSession.objects.get(user=alice)
    screening = reverse("safety:screening")
    from safety.models import RedFlag

    answers = {flag.value: "no" for flag in RedFlag}
    signed_in.post(f"{screening}?next={session.get_absolute_url()}", answers)
    first = signed_in.get(session.get_absolute_url()).content.decode()
    assert "Go gently today:" in first and "only circuit 1" in first
    tap_through(signed_in, session, 1)
    assert "Go gently today:" not in signed_in.get(session.get_absolute_url()).content.decode()


def test_the_hamstring_lowering_step_says_it_is_not_the_nordic_curl(signed_in, alice_session):
    tap_through(signed_in, alice_session, 16)  # step 17 is 3b, round 2
    alice_session.refresh_from_db()
    if alice_session.resting:
        signed_in.post(url("end_rest", alice_session), {"after_step": alice_session.steps_done})
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "Hamstring Lowering</h1>" in content
    assert '<p class="subtitle">Lying on your back, not the kneeling Nordic curl</p>' in content
    # Guide me says it too, before the first rep.
    said = json.loads(re.search(r'id="pacing-plan"[^>]*>(.*?)</script>', content).group(1))[0][
        "say"
    ]
    assert said == (
        "Hamstring Lowering, lying on your back, not the kneeling Nordic curl. "
        "First leg, your easier one. Get ready."
    )
    assert "<strong>Easier:</strong> Bend the knee of the leg you hold up a little" in content


def test_the_rest_screen_counts_steps_done(signed_in, alice_session):
    tap_through(signed_in, alice_session, 2)  # round 1 of circuit 1 done: a rest
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    assert "Round 1 of 3 done · 2 of 21 steps done" in content


def test_the_summary_buttons_say_what_they_do(signed_in, alice_session):
    tap_through(signed_in, alice_session)
    content = signed_in.get(url("summary", alice_session)).content.decode()
    assert ">Edit pain and notes</a>" in content and ">Done</a>" in content


def test_the_step_screen_carries_the_sets_pacing_plan_as_json(signed_in, alice_session):
    content = signed_in.get(alice_session.get_absolute_url()).content.decode()
    start = content.index('<script id="pacing-plan" type="application/json">')
    body = content[content.index(">", start) + 1 : content.index("</script>", start)]
    prompts = json.loads(body)
    assert prompts[0] == {
        "kind": "get_ready",
        "text": "First side (your easier one) — get ready",
        "seconds": 5,
        "side": "first",
        "direction": None,
        "rep": None,
        "of": None,
        "say": "Side Lying Thoracic Sweep. First side, your easier one. Get ready.",
    }
    assert [p["kind"] for p in prompts].count("rep") == 10  # 1a: 5 each side
    assert prompts[-1]["kind"] == "done"


def test_the_step_and_rest_screens_are_sent_compressed_and_private(signed_in, alice_session):
    for _ in range(2):  # the step, then (after a round) the rest
        response = signed_in.get(alice_session.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert "no-store" in response["Cache-Control"]
        tap_through(signed_in, alice_session, 2)
