"""In a real browser: no page breaks the Content-Security-Policy, and the app works offline."""

import re

import pytest
from playwright.sync_api import expect

from protocols.models import Circuit, Exercise
from tests.conftest import PASSWORD, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console(page) -> list[str]:
    """Every console message and page error, as text, from the moment the tab opens."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def csp_violations(console: list[str]) -> list[str]:
    return [message for message in console if "Content Security Policy" in message]


def test_public_pages_keep_to_the_policy(page, console, protocol):
    exercise = Exercise.objects.get(label="3a")
    pages = [protocol.get_absolute_url(), exercise.get_absolute_url()]
    for url in ["/", *pages, "/disclaimer/", "/offline/", "/no-such-page/"]:
        response = page.goto(url)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert csp_violations(console) == []
    assert [message for message in console if message.startswith(("error", "pageerror"))] == [
        # The 404 itself, which the browser reports as a failed resource.
        "error: Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]


def test_a_coach_uses_the_admin_under_the_policy(page, console, coach, protocol):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile("/admin/login/"))
    page.get_by_label("Email address").fill(coach.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # A changelist with filters and actions, then the circuit page with its
    # exercise inlines and prepopulated slugs: the admin's own scripts run.
    page.goto("/admin/protocols/exercise/")
    expect(page.get_by_role("link", name="Single Leg Glute Bridge")).to_be_visible()
    page.get_by_role("link", name="Yes").first.click()  # the "active" filter
    expect(page).to_have_url(re.compile(r"is_active__exact=1"))
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("7 of 7 selected")

    circuit = Circuit.objects.get(number=3)
    page.goto(f"/admin/protocols/circuit/{circuit.pk}/change/")
    page.locator(".add-row a").click()  # inlines.js builds this link
    new_name = page.locator("#id_exercises-3-name")
    new_name.press_sequentially("Bird Dog")  # prepopulate.js listens for keyup
    expect(page.locator("#id_exercises-3-slug")).to_have_value("bird-dog")

    assert csp_violations(console) == []
    assert [m for m in console if m.startswith("pageerror")] == []


def test_offline_a_page_is_replaced_by_the_offline_page(page, protocol):
    page.goto("/")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    exercise = Exercise.objects.get(label="1a")

    page.context.set_offline(True)
    try:
        page.goto(exercise.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
        # The shell's styles came from the worker's cache.
        header = page.locator(".site-header")
        expect(header).to_have_css("background-color", "rgb(11, 92, 90)")
        assert axe_violations(page) == []
    finally:
        page.context.set_offline(False)

    page.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Side Lying Thoracic Sweep")


def test_offline_after_the_first_step_the_next_steps_picture_shows(
    page, live_server, alice, protocol
):
    """A session started online: with the connection gone, the next movement is still drawn."""
    from safety.models import Disclaimer
    from tests.conftest import clear_safety_gate, sign_in

    Disclaimer.objects.get_or_create(
        version=1, defaults={"text": "Not medical advice.", "published": True}
    )
    clear_safety_gate(alice)
    sign_in(page, live_server, alice)
    page.goto("/session/")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text("Step 1 of 21")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()

    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
        hip_cars = page.get_by_role("img", name=re.compile("^Hip CARs"))
        expect(hip_cars.first).to_be_visible()
        assert axe_violations(page) == []
    finally:
        page.context.set_offline(False)
