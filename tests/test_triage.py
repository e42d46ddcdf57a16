"""Triage that matches the sign: the emergency signs, today's signs, and the lasting facts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safety.models import (
    LASTING_FACTS,
    QUESTION_LABELS,
    URGENCY,
    ClinicianClearance,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    SiteConfiguration,
    Urgency,
    safety_status,
)
from tests.conftest import clear_safety_gate

SCREENING = reverse("safety:screening")
RESULT = reverse("safety:screening_result")
CLEARANCE = reverse("safety:clearance")
START = reverse("training_sessions:start")
EMERGENCY_SIGNS = [flag for flag in RedFlag if flag.urgency == Urgency.EMERGENCY]
TODAY_SIGNS = [flag for flag in RedFlag if flag.urgency == Urgency.TODAY]


def answers(*yes: RedFlag, lasting: bool = True) -> dict:
    """Every question asked answered no, except those given."""
    asked = [flag for flag in RedFlag if lasting or flag not in LASTING_FACTS]
    return {flag.value: "yes" if flag in yes else "no" for flag in asked}


@pytest.fixture
def unscreened(client, alice, disclaimer, protocol):
    """Alice signed in, the disclaimer confirmed, the red-flag questions not yet answered."""
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    client.force_login(alice)
    return client


def lead(content: str) -> str:
    """The page's h1 and its first paragraph, the words a person reads first."""
    main = content[content.index("<h1") :]
    return main[: main.index("</p>")]


# --- Every question has one urgency --------------------------------------------------


def test_each_question_is_classified_once():
    assert set(URGENCY) >= {flag.value for flag in RedFlag}
    assert {flag.value for flag in EMERGENCY_SIGNS} == {
        "bladder_bowel",
        "saddle_numbness",
        "leg_weakness",
        "both_legs",
    }
    assert {flag.value for flag in TODAY_SIGNS} == {"fever_chills", "recent_trauma", "night_pain"}
    assert {flag.value for flag in LASTING_FACTS} == {
        "cancer",
        "weight_loss",
        "steroids_thin_bones",
    }


def test_the_new_questions_are_asked_in_plain_words(unscreened):
    content = unscreened.get(SCREENING).content.decode()
    assert "pins and needles, in both legs" in content
    assert "feel different when you wipe" in content
    assert "new problems with sex" in content
    assert "fever with chills or night sweats" in content
    assert "generally unwell" not in content
    assert "even a minor one, if you take steroid tablets or have thin bones" in content
    assert "Have you ever had cancer?" in content
    assert "lost weight recently without trying" in content
    assert "thin bones (osteoporosis)" in content


# --- Emergency signs lead with the emergency department --------------------------------


@pytest.mark.parametrize("flag", EMERGENCY_SIGNS, ids=lambda flag: flag.value)
def test_each_emergency_sign_leads_with_the_emergency_department(unscreened, flag):
    SiteConfiguration(emergency_number="999").save()
    assert unscreened.post(SCREENING, answers(flag))["Location"] == RESULT
    content = unscreened.get(RESULT).content.decode()
    first = lead(content)
    assert "<h1>Please go to an emergency department now</h1>" in first
    assert "Do not wait for an appointment" in first
    assert "do not drive yourself" in first
    assert '<a href="tel:999">999</a>' in first
    assert "see a doctor today" not in content.lower()
    assert flag.label in content
    assert unscreened.get(START)["Location"] == RESULT


def test_without_a_number_in_admin_the_page_says_call_your_local_emergency_number(unscreened):
    unscreened.post(SCREENING, answers(RedFlag.BLADDER_BOWEL))
    first = lead(unscreened.get(RESULT).content.decode())
    assert "call your local emergency number" in first
    assert "tel:" not in first


def test_the_number_from_admin_is_dialled_without_its_spaces(unscreened):
    SiteConfiguration(emergency_number="+44 20 7946 0000").save()
    unscreened.post(SCREENING, answers(RedFlag.BOTH_LEGS))
    content = unscreened.get(RESULT).content.decode()
    assert '<a href="tel:+442079460000">+44 20 7946 0000</a>' in content


@pytest.mark.parametrize("number", ["999; DROP", "call 999", "+", "9" * 21, "<b>"])
def test_an_emergency_number_that_is_not_a_number_is_refused(db, number):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SiteConfiguration(emergency_number=number).full_clean()


def test_an_emergency_sign_outranks_a_today_sign_given_the_same_day(unscreened):
    unscreened.post(SCREENING, answers(RedFlag.NIGHT_PAIN))
    unscreened.post(SCREENING, answers(RedFlag.SADDLE_NUMBNESS))
    content = unscreened.get(RESULT).content.decode()
    assert "emergency department now" in lead(content)
    assert RedFlag.NIGHT_PAIN.label in content


# --- Today's signs: see a doctor today ----------------------------------------------------


@pytest.mark.parametrize("flag", TODAY_SIGNS, ids=lambda flag: flag.value)
def test_each_today_sign_says_see_a_doctor_today(unscreened, flag):
    assert unscreened.post(SCREENING, answers(flag))["Location"] == RESULT
    content = unscreened.get(RESULT).content.decode()
    first = lead(content)
    assert "<h1>Please see a doctor today</h1>" in first
    assert "emergency department" not in content
    assert "call your local emergency number" in first  # if things get worse quickly
    assert flag.label in content
    assert unscreened.get(START)["Location"] == RESULT


def test_the_practitioner_directory_is_a_secondary_link(unscreened, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    unscreened.post(SCREENING, answers(RedFlag.FEVER_CHILLS))
    content = unscreened.get(RESULT).content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    assert 'href="https://practitioners.example/find"' in main
    assert "btn" not in main[main.index("practitioners.example") - 40 :][:60]


def test_a_version_one_fever_answer_still_reads_as_today(unscreened, alice):
    RedFlagScreening.objects.create(user=alice, answers={"fever_unwell": True}, questions_version=1)
    content = unscreened.get(RESULT).content.decode()
    assert "Please see a doctor today" in content
    assert QUESTION_LABELS[1]["fever_unwell"] in content  # in the words they answered


# --- Lasting facts: check with a doctor or physio, once --------------------------------


@pytest.mark.parametrize("flag", LASTING_FACTS, ids=lambda flag: flag.value)
def test_a_lasting_fact_asks_to_check_first_and_keeps_sessions_closed(unscreened, alice, flag):
    response = unscreened.post(SCREENING, answers(flag) | {"next": START})
    assert response["Location"] == f"{CLEARANCE}?next=%2Fsession%2F"
    alice.refresh_from_db()
    assert safety_status(alice, None).red_flag_today is False  # not an urgent sign
    page = unscreened.get(CLEARANCE).content.decode()
    assert "Please check with a doctor or physio before these exercises" in page
    assert flag.label in page
    assert "A doctor or physio has said these exercises are fine for me." in page
    assert 'href="https://' in page  # the referral link
    assert unscreened.get(START)["Location"].startswith(CLEARANCE)
    assert unscreened.get(RESULT)["Location"] == CLEARANCE


def test_a_recorded_go_ahead_opens_sessions(unscreened, alice):
    unscreened.post(SCREENING, answers(RedFlag.CANCER))
    today = timezone.localdate()
    response = unscreened.post(
        CLEARANCE, {"confirmed": "on", "cleared_on": today.isoformat(), "next": START}
    )
    assert response["Location"] == START
    assert ClinicianClearance.objects.get(user=alice).cleared_on == today
    assert unscreened.get(START).status_code == 200
    # The record is kept, and the question stays answered.
    assert RedFlagScreening.objects.get(user=alice).answers[RedFlag.CANCER.value] is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cleared_on": "{today}"}, "Tick the box only if a doctor or physio has said so."),
        ({"confirmed": "on"}, "Please give the date they said so."),
        ({"confirmed": "on", "cleared_on": "{tomorrow}"}, "That date is in the future."),
        ({"confirmed": "on", "cleared_on": "{yesterday}"}, "when you answered the questions"),
        ({"confirmed": "on", "cleared_on": "soon"}, "Please give a date"),
        ({"confirmed": "on", "cleared_on": "99999-01-01"}, "Please give a date"),
    ],
)
def test_a_go_ahead_needs_the_box_and_a_date_since_the_answer(unscreened, alice, data, message):
    unscreened.post(SCREENING, answers(RedFlag.WEIGHT_LOSS))
    today = timezone.localdate()
    days = {
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "yesterday": today - timedelta(days=1),
    }
    data = {key: value.format(**days) for key, value in data.items()}
    response = unscreened.post(CLEARANCE, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ClinicianClearance.objects.exists()
    assert unscreened.get(START)["Location"].startswith(CLEARANCE)


def test_without_a_lasting_yes_the_check_first_page_goes_back(unscreened):
    unscreened.post(SCREENING, answers())
    assert unscreened.get(CLEARANCE)["Location"] == reverse("accounts:account")


def test_after_the_go_ahead_the_lasting_facts_are_not_asked_again(unscreened, alice):
    unscreened.post(SCREENING, answers(RedFlag.STEROIDS_THIN_BONES))
    unscreened.post(CLEARANCE, {"confirmed": "on", "cleared_on": timezone.localdate()})
    content = unscreened.get(SCREENING).content.decode()
    assert content.count("<fieldset") == len(RedFlag) - len(LASTING_FACTS)
    assert "Has something changed" in content
    assert unscreened.post(SCREENING, answers(lasting=False) | {"next": START})["Location"] == START


def test_a_yes_to_a_lasting_fact_is_kept_not_asked_again(unscreened, alice):
    unscreened.post(SCREENING, answers(RedFlag.CANCER))
    content = unscreened.get(SCREENING).content.decode()
    assert RedFlag.CANCER.label not in content
    assert "Has something changed" not in content  # no go-ahead yet to change
    unscreened.post(SCREENING, answers(lasting=False))
    assert unscreened.get(START)["Location"].startswith(CLEARANCE)


def test_when_something_changed_a_new_lasting_yes_needs_a_new_go_ahead(unscreened, alice):
    unscreened.post(SCREENING, answers(RedFlag.CANCER))
    unscreened.post(CLEARANCE, {"confirmed": "on", "cleared_on": timezone.localdate()})
    assert RedFlag.WEIGHT_LOSS.label in unscreened.get(SCREENING, {"changed": "1"}).content.decode()
    response = unscreened.post(SCREENING, answers(RedFlag.WEIGHT_LOSS) | {"changed": "1"})
    assert response["Location"].startswith(CLEARANCE)
    page = unscreened.get(CLEARANCE).content.decode()
    assert RedFlag.WEIGHT_LOSS.label in page
    assert RedFlag.CANCER.label not in page  # that one was cleared


def test_after_the_go_ahead_todays_signs_still_stop_a_session(unscreened, alice):
    unscreened.post(SCREENING, answers(RedFlag.CANCER))
    unscreened.post(CLEARANCE, {"confirmed": "on", "cleared_on": timezone.localdate()})
    response = unscreened.post(SCREENING, answers(RedFlag.RECENT_TRAUMA, lasting=False))
    assert response["Location"] == RESULT
    assert unscreened.get(START)["Location"] == RESULT


def test_a_lasting_fact_with_a_today_sign_shows_the_urgent_page_first(unscreened):
    unscreened.post(SCREENING, answers(RedFlag.CANCER, RedFlag.NIGHT_PAIN))
    content = unscreened.get(RESULT).content.decode()
    assert "Please see a doctor today" in lead(content)
    assert "worth checking with a doctor or physio before you start" in content


def test_the_gate_stays_query_free_with_a_go_ahead(
    rf, alice, disclaimer, django_assert_num_queries
):
    from safety.gate import safety_redirect

    clear_safety_gate(alice)
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.CANCER.value: True})
    ClinicianClearance.objects.create(user=alice, cleared_on=timezone.localdate())
    request = rf.get(START)
    request.user = alice
    safety_redirect(request)
    with django_assert_num_queries(0):
        assert safety_redirect(request) is None
    alice.refresh_from_db()
    assert alice.safety_state_drift() == {}


def test_deleting_a_go_ahead_closes_sessions_again(alice, disclaimer):
    clear_safety_gate(alice)
    RedFlagScreening.objects.create(user=alice, answers={RedFlag.CANCER.value: True})
    clearance = ClinicianClearance.objects.create(user=alice, cleared_on=timezone.localdate())
    assert not safety_status(alice, disclaimer).needs_clearance
    clearance.delete()
    assert safety_status(alice, disclaimer).needs_clearance


# --- The question set is versioned --------------------------------------------------------


def test_someone_who_answered_version_one_is_asked_the_new_set_once(unscreened, alice):
    RedFlagScreening.objects.create(
        user=alice, answers=dict.fromkeys(QUESTION_LABELS[1], False), questions_version=1
    )
    assert unscreened.get(START)["Location"] == f"{SCREENING}?next=%2Fsession%2F"
    assert unscreened.post(SCREENING, answers() | {"next": START})["Location"] == START
    assert RedFlagScreening.objects.for_user(alice).latest_first().first().questions_version == 2
    assert unscreened.get(START).status_code == 200


def test_an_old_screening_is_shown_with_the_questions_it_asked(alice):
    old = RedFlagScreening.objects.create(
        user=alice,
        answers={"saddle_numbness": True, "fever_unwell": True, "night_pain": False},
        questions_version=1,
    )
    assert old.flagged == [
        QUESTION_LABELS[1]["saddle_numbness"],
        QUESTION_LABELS[1]["fever_unwell"],
    ]
    assert "wipe" not in old.flagged[0]
    answered_yes = RedFlagScreening.objects.filter(pk=old.pk).answered_yes()
    assert [label for _, label in answered_yes] == old.flagged


def test_a_yes_the_question_set_does_not_name_is_shown_not_hidden(alice):
    odd = RedFlagScreening.objects.create(
        user=alice,
        answers={"fever_unwell": True, "written_by_hand": True, "night_pain": False},
        questions_version=1,
    )
    assert odd.flagged == [QUESTION_LABELS[1]["fever_unwell"], "written_by_hand"]
    answered_yes = RedFlagScreening.objects.filter(pk=odd.pk).answered_yes()
    assert [label for _, label in answered_yes] == odd.flagged


def test_a_coach_sets_the_emergency_number_in_admin(client, coach):
    client.force_login(coach)
    add = reverse("admin:safety_siteconfiguration_add")
    refused = client.post(add, {"referral_url": "", "referral_name": "", "emergency_number": "x"})
    assert refused.status_code == 200
    assert "Digits only" in refused.content.decode()
    saved = client.post(add, {"referral_url": "", "referral_name": "", "emergency_number": "112"})
    assert saved.status_code == 302
    assert SiteConfiguration.load().emergency_tel == "tel:112"
