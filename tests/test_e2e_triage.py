"""On a phone: the urgent-care page for an emergency sign and for a "today" sign.

`SCREENSHOTS_DIR=/tmp` saves them as /tmp/triage-*.png to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from safety.models import DisclaimerAcknowledgement, RedFlag, SiteConfiguration
from tests.conftest import assert_no_horizontal_scroll, axe_violations, sign_in
from tests.test_e2e_session import save_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer_yes_to(page, flag: RedFlag) -> None:
    page.goto("/account/screening/")
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(len(RedFlag))
    for index, each in enumerate(RedFlag):
        answer = "Yes" if each == flag else "No"
        questions.nth(index).get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="Send my answers").click()


@pytest.fixture
def ready(page, live_server, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    sign_in(page, live_server, alice)
    return page


def test_an_emergency_sign_leads_with_the_emergency_department(ready):
    page = ready
    SiteConfiguration(emergency_number="999").save()
    answer_yes_to(page, RedFlag.BLADDER_BOWEL)

    expect(page).to_have_url(re.compile(r"/account/screening/result/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please go to an emergency department now"
    )
    first_line = page.locator("main p").first
    expect(first_line).to_contain_text("Do not wait for an appointment")
    expect(first_line).to_contain_text("do not drive yourself")
    expect(first_line.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    expect(page.get_by_text(RedFlag.BLADDER_BOWEL.label)).to_be_visible()
    save_screenshot(page, "triage-emergency.png")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_a_today_sign_says_see_a_doctor_today(ready):
    page = ready
    answer_yes_to(page, RedFlag.NIGHT_PAIN)

    expect(page.get_by_role("heading", level=1)).to_have_text("Please see a doctor today")
    expect(page.locator("main p").first).to_contain_text("call your local emergency number")
    save_screenshot(page, "triage-today.png")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_a_lasting_fact_asks_to_check_first_and_takes_the_go_ahead(ready, protocol):
    page = ready
    answer_yes_to(page, RedFlag.CANCER)

    expect(page).to_have_url(re.compile(r"/account/screening/check-first/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please check with a doctor or physio before these exercises"
    )
    save_screenshot(page, "triage-check-first.png")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.get_by_label("A doctor or physio has said these exercises are fine for me.").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Those questions will not stop a session now.")).to_be_visible()
