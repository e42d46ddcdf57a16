"""History on a phone, in Debian's chromium: the list, charts, detail, delete, print, settings."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from protocols.models import Protocol
from sessions.models import TrainingPreferences, TrainingSession
from tests.conftest import assert_no_horizontal_scroll, axe_violations, sign_in, tap_through

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def two_sessions(user) -> list[TrainingSession]:
    """Two whole sessions tapped through with the test client, rated before and after."""
    client = Client()
    client.force_login(user)
    sessions = []
    for before, after, notes in ((6, 4, "Stiff to start"), (5, 2, "Much looser")):
        session = TrainingSession.start(user, Protocol.objects.with_exercises().get(), before)
        tap_through(client, session)
        client.post(
            reverse("training_sessions:finish", args=[session.pk]),
            {"pain_after": after, "notes": notes},
        )
        sessions.append(session)
    return sessions


def test_after_two_sessions_the_history_shows_both_with_charts_and_details(
    page, live_server, alice, protocol
):
    first, second = two_sessions(alice)
    sign_in(page, live_server, alice)

    page.goto(reverse("training_sessions:summary", args=[second.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Session summary")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Your history and progress").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your history")
    sessions = page.locator(".history-item")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(0)).to_contain_text("Pain 5 → 2")  # newest first
    expect(sessions.nth(1)).to_contain_text("Pain 6 → 4")
    expect(sessions.nth(0)).to_contain_text("9 of 9 rounds")
    expect(page.get_by_text("2.5 points less", exact=True)).to_be_visible()
    weeks = page.get_by_role("img", name=re.compile("^Sessions per week over the last 12 weeks"))
    pain = page.get_by_role("img", name=re.compile("^Pain before and after your last 2 sessions"))
    expect(weeks).to_be_visible()
    expect(pain).to_be_visible()
    assert weeks.bounding_box()["height"] > 100
    expect(weeks.locator("rect.chart-bar")).to_have_count(1)
    expect(pain.locator("circle")).to_have_count(2)
    # The numbers behind a chart, for anyone who cannot see it.
    page.get_by_text("Pain before and after as a table").click()
    expect(page.get_by_role("cell", name="6", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    sessions.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Session of")
    expect(page.locator(".round-item")).to_have_count(9)
    expect(page.get_by_text("Stiff to start")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Circuit 3, round 3"))).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Delete this session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this session?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Delete session").click()
    expect(page.get_by_text("Session deleted")).to_be_visible()
    expect(page.locator(".history-item")).to_have_count(1)
    assert list(TrainingSession.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


def test_the_printable_record_and_the_settings_pass_axe(page, live_server, alice, protocol):
    two_sessions(alice)
    sign_in(page, live_server, alice)
    page.goto(reverse("history:print"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Back Relief training record")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(page.get_by_text("Much looser")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.locator(".record-table")).to_be_visible()
    page.emulate_media(media="screen")

    page.goto(reverse("history:settings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders, time zone and Guide me")
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []


def test_settings_suggest_the_phones_time_zone_and_make_a_calendar_link(
    browser, live_server, alice, protocol
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
        timezone_id="America/Chicago",
    )
    page = context.new_page()
    sign_in(page, live_server, alice)
    page.goto(reverse("history:list"))
    expect(page.get_by_text("Dates and times are shown in universal time (UTC)")).to_be_visible()
    page.get_by_role("link", name="Set your time zone").click()

    expect(page.get_by_label("Your time zone")).to_have_value("America/Chicago")
    expect(page.get_by_text("Filled in from this device: America/Chicago")).to_be_visible()
    page.get_by_text("Tue", exact=True).click()
    page.get_by_text("Thu", exact=True).click()
    page.get_by_label("Reminder time").fill("07:30")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text("Tuesday and Thursday at 07:30 (America/Chicago)")).to_be_visible()
    add = page.get_by_role("link", name="Add to calendar")
    expect(add).to_have_attribute("href", re.compile(r"^webcal://.+/history/calendar/.+\.ics$"))
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.time_zone, prefs.training_days) == ("America/Chicago", [1, 3])
    expect(page.get_by_label(re.compile("Or copy this private link"))).to_have_value(
        f"{live_server.url}/history/calendar/{prefs.feed_token}.ics"
    )
    assert axe_violations(page) == []

    response = page.request.get(f"/history/calendar/{prefs.feed_token}.ics")
    assert response.ok and "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" in response.text()
    context.close()


def test_the_charts_need_no_javascript(browser, live_server, alice, protocol):
    two_sessions(alice)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=live_server.url
    )
    page = context.new_page()
    sign_in(page, live_server, alice)
    page.goto(reverse("history:list"))
    expect(page.get_by_role("img", name=re.compile("^Sessions per week"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Pain before and after"))).to_be_visible()
    context.close()
