"""The illustrations on a phone: still frames under reduced motion, motion otherwise,
and the Done button still on screen on every step with its picture."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from protocols.illustrations import ILLUSTRATIONS
from protocols.models import Exercise
from tests.conftest import PHONE_VIEWPORT, axe_violations, clear_safety_gate, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# `make screenshots` sets this to save each exercise's pictures on a phone.
SCREENSHOTS = os.environ.get("ILLUSTRATION_SCREENSHOTS_DIR")


def save_screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name)


@pytest.fixture(autouse=True)
def _alice_through_the_gate(alice, disclaimer):
    clear_safety_gate(alice)


def test_every_step_screen_shows_its_picture_with_done_in_view(page, live_server, alice, protocol):
    sign_in(page, live_server, alice)
    page.goto("/session/")
    page.get_by_role("button", name="Start").click()
    seen = set()
    for number in range(1, 22):
        step_screen = page.get_by_text(f"Step {number} of 21", exact=True)
        rest_screen = page.get_by_role("heading", level=1, name="Rest")
        expect(step_screen.or_(rest_screen)).to_be_visible()
        if rest_screen.is_visible():
            expect(page.locator(".illo .illo-still")).to_be_visible()  # what comes next
            if number == 3:
                save_screenshot(page, "rest.png")
            page.get_by_role("button", name="Skip rest").click()
        expect(step_screen).to_be_visible()
        picture = page.locator(".illo-step .illo-still")
        expect(picture).to_be_visible()
        done = page.get_by_role("button", name="Done").bounding_box()
        assert page.evaluate("window.scrollY") == 0
        assert done["y"] + done["height"] <= PHONE_VIEWPORT["height"], f"step {number}"
        assert picture.bounding_box()["y"] + 20 < done["y"]
        slug = page.locator(".done-form input[name=exercise]").get_attribute("value")
        if slug not in seen:
            seen.add(slug)
            assert axe_violations(page) == []
            save_screenshot(page, f"step-{slug}.png")
        page.get_by_role("button", name="Done").click()
    assert seen == set(ILLUSTRATIONS)


def test_exercise_pages_show_the_still_pair_under_reduced_motion(page, live_server, protocol):
    page.goto("/")
    expect(page.locator(".illo-thumb")).to_have_count(7)
    page.locator(".exercise-list").first.scroll_into_view_if_needed()
    save_screenshot(page, "landing.png")
    for exercise in Exercise.objects.order_by("circuit__number", "position"):
        page.goto(exercise.get_absolute_url())
        still = page.locator(".illo-large .illo-still")
        expect(still).to_be_visible()
        expect(page.locator(".illo-large .illo-motion")).to_have_count(
            1 if ILLUSTRATIONS[exercise.slug].animated else 0
        )
        if ILLUSTRATIONS[exercise.slug].animated:
            expect(page.locator(".illo-large .illo-motion")).to_be_hidden()
        assert page.get_by_role("img", name=ILLUSTRATIONS[exercise.slug].title).count() == 1
        assert axe_violations(page) == []
        still.scroll_into_view_if_needed()
        save_screenshot(page, f"exercise-{exercise.slug}.png")
        if SCREENSHOTS:  # the picture alone, small enough to keep in docs/
            still.screenshot(path=Path(SCREENSHOTS) / f"{exercise.slug}.png")


def test_with_motion_allowed_the_movement_plays_instead(browser, live_server, protocol):
    context = browser.new_context(
        viewport=PHONE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        base_url=live_server.url,
        reduced_motion="no-preference",
    )
    page = context.new_page()
    try:
        page.goto(Exercise.objects.get(slug="hamstring-lowering").get_absolute_url())
        motion = page.locator(".illo-large .illo-motion")
        expect(motion).to_be_visible()
        expect(page.locator(".illo-large .illo-still")).to_be_hidden()
        # SMIL is running: the lowering leg's joint turns as time passes.
        page.wait_for_timeout(1500)
        assert page.evaluate("document.querySelector('.illo-motion').getCurrentTime()") > 1
        save_screenshot(page, "motion-hamstring-lowering.png")
        # A picture without motion stays the still pair.
        page.goto(Exercise.objects.get(slug="cross-tension-deadbugs").get_absolute_url())
        expect(page.locator(".illo-large .illo-still")).to_be_visible()
        assert axe_violations(page) == []
    finally:
        context.close()
