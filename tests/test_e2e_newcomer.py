"""A newcomer on a phone: landing page → an exercise → disclaimer and referral."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_no_horizontal_scroll, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_finds_an_exercise_and_the_disclaimer(page, protocol, settings):
    settings.REFERRAL_URL = "https://practitioners.example/find"
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("lower back")
    expect(page.get_by_text("about 25 minutes")).to_be_visible()
    expect(page.get_by_text("This is not medical advice")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("Single Leg Glute Bridge")).click()

    expect(page).to_have_url(re.compile("/exercises/single-leg-glute-bridge/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Single Leg Glute Bridge")
    expect(page.get_by_text("3 rounds of 12 reps each side")).to_be_visible()
    expect(page.get_by_text("Find the glute and brace your core.")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    referral = page.get_by_role("link", name=re.compile("Find a skilled practitioner"))
    expect(referral).to_have_attribute("href", "https://practitioners.example/find")
    expect(referral).to_have_attribute("target", "_blank")
    expect(referral).to_have_attribute("rel", "noopener")

    page.get_by_role("link", name="Read the disclaimer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disclaimer")
    expect(page.locator("main").get_by_text("see a qualified provider")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_every_exercise_page_fits_a_phone(page, protocol):
    page.goto(protocol.get_absolute_url())
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    links = page.locator(".exercise-list a")
    expect(links).to_have_count(7)
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        page.goto(href)
        expect(page.get_by_role("heading", name="How to do it")).to_be_visible()
        assert_no_horizontal_scroll(page)
