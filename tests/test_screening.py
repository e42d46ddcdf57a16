"""The red-flag screen: ten yes/no questions; a yes to a sign means no guided session today."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from safety.models import DisclaimerAcknowledgement, RedFlag, RedFlagScreening
from sessions.models import TrainingPreferences
from tests.conftest import clear_safety_gate

SCREENING = reverse("safety:screening")
RESULT = reverse("safety:screening_result")
START = reverse("training_sessions:start")


def answers(**yes) -> dict:
    """All ten answered no, except those given as yes."""
    return {flag.value: "yes" if yes.get(flag.value) else "no" for flag in RedFlag}


def test_the_page_needs_a_login(client, db):
    response = client.get(SCREENING)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_asks_ten_questions_none_answered(client, alice):
    client.force_login(alice)
    content = client.get(SCREENING).content.decode()
    assert content.count("<fieldset") == 10
    assert content.count('type="radio"') == 20
    assert "checked" not in content  # no answer is assumed
    for flag in RedFlag:
        assert flag.label.replace("'", "&#x27;") in content
    assert "bladder or bowels" in content
    assert "getting worse" in content


def test_all_no_is_recorded_and_goes_on(client, alice, disclaimer, protocol):
    clear_safety_gate(alice)
    client.force_login(alice)
    response = client.post(SCREENING, answers() | {"next": "/exercises/hip-cars/"})
    assert response.status_code == 302
    assert response["Location"] == "/exercises/hip-cars/"
    latest = RedFlagScreening.objects.for_user(alice).latest_first().first()
    assert latest.any_yes is False
    assert latest.answers == {flag.value: False for flag in RedFlag}


def test_all_no_without_next_goes_to_the_protocol(client, alice, disclaimer, protocol):
    clear_safety_gate(alice)
    client.force_login(alice)
    response = client.post(SCREENING, answers(), follow=True)
    assert response.redirect_chain[-1][0] == protocol.get_absolute_url()
    assert "None of those signs today." in response.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_a_next_page_on_another_site_is_ignored(client, alice, disclaimer, protocol, next_url):
    clear_safety_gate(alice)
    client.force_login(alice)
    response = client.post(SCREENING, answers() | {"next": next_url}, follow=True)
    assert response.redirect_chain[-1][0] == protocol.get_absolute_url()


def test_any_yes_is_recorded_and_shows_the_urgent_care_page(client, alice, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    client.force_login(alice)

    response = client.post(SCREENING, answers(leg_weakness=True) | {"next": "/session/"})

    assert response["Location"] == RESULT
    screening = RedFlagScreening.objects.get()
    assert screening.any_yes is True
    assert screening.answers["leg_weakness"] is True
    assert screening.answered_at is not None
    page = client.get(RESULT)
    content = page.content.decode()
    assert page.status_code == 200
    assert "no guided session today" in content
    assert "emergency department now" in content
    assert RedFlag.LEG_WEAKNESS.label in content
    assert RedFlag.BLADDER_BOWEL.label not in content
    assert 'href="https://practitioners.example/find" target="_blank" rel="noopener"' in content


@pytest.mark.parametrize(
    "data",
    [
        {},
        answers() | {"night_pain": ""},
        answers() | {"fever_chills": "maybe"},
        dict.fromkeys(list(answers())[:9], "no"),
    ],
)
def test_unanswered_or_odd_answers_get_a_clear_message(client, alice, data):
    client.force_login(alice)
    response = client.post(SCREENING, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Please answer every question with yes or no." in content
    assert "Please answer yes or no." in content
    assert 'aria-describedby="id_' in content
    assert not RedFlagScreening.objects.exists()


def test_answering_again_keeps_the_earlier_answers(client, alice, disclaimer):
    clear_safety_gate(alice)
    client.force_login(alice)
    client.post(SCREENING, answers(fever_chills=True))
    client.post(SCREENING, answers())
    assert RedFlagScreening.objects.for_user(alice).count() == 3


def test_the_result_page_without_a_yes_goes_back(client, alice):
    client.force_login(alice)
    assert client.get(RESULT)["Location"] == SCREENING
    client.post(SCREENING, answers())
    assert client.get(RESULT)["Location"] == reverse("accounts:account")


def test_bob_never_sees_alices_answers(client, alice, bob):
    RedFlagScreening.objects.create(user=alice, answers={"saddle_numbness": True})
    client.force_login(bob)
    assert client.get(RESULT)["Location"] == SCREENING
    assert "saddle" not in client.get(reverse("accounts:account")).content.decode()


# --- A "yes" holds for the rest of the person's day -----------------------------


def test_all_no_after_a_yes_the_same_day_keeps_the_session_closed(client, alice, disclaimer):
    clear_safety_gate(alice)
    client.force_login(alice)
    client.post(SCREENING, answers(night_pain=True))
    response = client.post(SCREENING, answers() | {"next": START})
    assert response["Location"] == RESULT
    assert RedFlagScreening.objects.for_user(alice).count() == 3  # the "no" is recorded
    assert client.get(START)["Location"] == RESULT


def test_after_a_yes_today_the_questions_lead_to_the_urgent_care_page(client, alice, disclaimer):
    clear_safety_gate(alice)
    client.force_login(alice)
    client.post(SCREENING, answers(fever_chills=True))
    assert client.get(SCREENING, {"next": START})["Location"] == RESULT


def test_the_urgent_care_page_lists_every_yes_given_today(client, alice, disclaimer):
    # Thursday 3 December 2026, 09:00 UTC (the site's zone: no zone chosen).
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=UTC), tick=False):
        DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
        RedFlagScreening.objects.create(
            user=alice,
            answers={RedFlag.RECENT_TRAUMA.value: True},
            answered_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
        )
        client.force_login(alice)
        client.post(SCREENING, answers(leg_weakness=True))
        client.post(SCREENING, answers(fever_chills=True))
        client.post(SCREENING, answers())
        content = client.get(RESULT).content.decode()
    assert RedFlag.LEG_WEAKNESS.label in content
    assert RedFlag.FEVER_CHILLS.label in content
    assert RedFlag.RECENT_TRAUMA.label not in content  # yesterday's
    assert "no guided session today" in content
    assert "even if things feel better later today" in content
    assert "You can answer the questions again from tomorrow, Friday 4 December." in content


def test_the_day_is_the_persons_own_day(client, alice, disclaimer, protocol):
    TrainingPreferences.objects.create(user=alice, time_zone="Pacific/Auckland")
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    # 20:00 UTC on 3 December is 09:00 on Friday 4 December in Auckland (UTC+13).
    morning = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
    with time_machine.travel(morning, tick=False):
        client.force_login(alice)
        client.post(SCREENING, answers(saddle_numbness=True))
        content = client.get(RESULT).content.decode()
        assert "from tomorrow, Saturday 5 December." in content
    # 14 hours later it is a new day in UTC, but still Friday (23:00) in Auckland.
    with time_machine.travel(morning + timedelta(hours=14), tick=False):
        assert client.post(SCREENING, answers())["Location"] == RESULT
        assert client.get(START)["Location"] == RESULT
        assert RedFlag.SADDLE_NUMBNESS.label in client.get(RESULT).content.decode()
    # An hour later it is Saturday in Auckland: the questions again, then on.
    with time_machine.travel(morning + timedelta(hours=15), tick=False):
        assert client.get(START)["Location"] == f"{SCREENING}?next=%2Fsession%2F"
        assert client.get(SCREENING).status_code == 200
        assert client.post(SCREENING, answers() | {"next": START})["Location"] == START
        assert client.get(START).status_code == 200
