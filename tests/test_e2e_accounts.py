"""On a phone: sign up, read the disclaimer, answer the safety questions, and on."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from safety.models import DisclaimerAcknowledgement, RedFlag, RedFlagScreening
from tests.conftest import (
    PASSWORD,
    assert_no_horizontal_scroll,
    axe_violations,
    signup_link_from_outbox,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_page(page) -> None:
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def answer_questions(page, yes_to: frozenset = frozenset()) -> None:
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(len(RedFlag))
    for index in range(len(RedFlag)):
        answer = "Yes" if index in yes_to else "No"
        questions.nth(index).get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="Send my answers").click()


def log_in(page, email: str) -> None:
    page.goto("/account/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    check_page(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_newcomer_signs_up_and_reaches_the_protocol(page, protocol, disclaimer):
    page.goto("/")
    page.get_by_role("link", name="Sign up to start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    check_page(page)

    page.get_by_label("Email address").fill("erin@example.com")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page)

    # The live server runs in this process: its mail is in django.core.mail.outbox.
    page.goto(signup_link_from_outbox())
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a password")
    expect(page.get_by_text("erin@example.com")).to_be_visible()
    check_page(page)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/account/disclaimer/\?next="))
    expect(page.get_by_text("Welcome. Your account is ready.")).to_be_visible()
    expect(page.get_by_text("This is not medical advice")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()
    page.get_by_label(re.compile("I have read this")).check()
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(re.compile(r"/account/screening/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("A few safety questions")
    check_page(page)
    answer_questions(page)

    expect(page).to_have_url(re.compile(f"{protocol.get_absolute_url()}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(protocol.name)
    expect(page.get_by_text("None of those signs today.")).to_be_visible()
    expect(page.get_by_role("link", name="Account")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    check_page(page)

    erin = User.objects.get(email="erin@example.com")
    assert DisclaimerAcknowledgement.objects.filter(user=erin, disclaimer=disclaimer).exists()
    assert RedFlagScreening.objects.get(user=erin).any_yes is False


def test_a_yes_shows_the_urgent_care_page_with_the_referral(page, alice, disclaimer, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    log_in(page, alice.email)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_page(page)
    page.get_by_role("link", name="Answer the safety questions").click()

    answer_questions(page, yes_to=frozenset({2}))

    expect(page).to_have_url(re.compile(r"/account/screening/result/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("emergency department now")
    expect(page.get_by_text("no guided session today")).to_be_visible()
    expect(page.get_by_text(RedFlag.LEG_WEAKNESS.label)).to_be_visible()
    referral = page.locator("main").get_by_role(
        "link", name=re.compile("find a skilled practitioner", re.IGNORECASE)
    )
    expect(referral).to_be_visible()
    expect(referral).to_have_attribute("href", "https://practitioners.example/find")
    expect(referral).to_have_attribute("target", "_blank")
    expect(referral).to_have_attribute("rel", "noopener")
    check_page(page)
    assert RedFlagScreening.objects.get(user=alice).any_yes is True


def test_the_other_account_pages_fit_a_phone(page, alice, disclaimer):
    log_in(page, alice.email)
    for path in [
        "/account/password/",
        "/account/delete/",
        "/account/screening/",
        "/account/disclaimer/",
    ]:
        page.goto(path)
        check_page(page)
    page.goto("/account/screening/")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Please answer every question with yes or no.")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    for path in ["/account/password/reset/", "/account/signup/"]:
        page.goto(path)
        check_page(page)
