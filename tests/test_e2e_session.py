"""A whole guided session on a phone, in Debian's chromium, as a person taps through it."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from protocols.models import Circuit
from sessions.models import CompletedRound, TrainingSession
from tests.conftest import assert_no_horizontal_scroll, axe_violations, clear_safety_gate, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _alice_through_the_gate(alice, disclaimer):
    """These journeys start after the disclaimer and the red-flag questions."""
    clear_safety_gate(alice)


# `make screenshots` sets this to docs/screenshots to refresh the README's pictures.
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
# The skip screens are always saved here too, to be looked at after a change.
LOOK_AT = Path(tempfile.gettempdir())


def save_screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def accept_leave_prompts(page) -> list[str]:
    """Say yes to "leave this page?"; return the kinds of dialog seen."""
    seen: list[str] = []

    def accept(dialog):
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return seen


def start_session(page, pain: str | None = "3") -> None:
    page.goto("/session/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a session")
    if pain is not None:
        page.get_by_text(pain, exact=True).click()
    page.get_by_role("button", name="Start").click()


def do_step(page, number: int, rest_button: str = "Skip rest") -> None:
    """Wait for step `number` (skipping the rest before it, if any), then tap Done."""
    step_screen = page.get_by_text(f"Step {number} of 21", exact=True)
    rest_screen = page.get_by_role("heading", level=1, name="Rest")
    expect(step_screen.or_(rest_screen)).to_be_visible()
    if rest_screen.is_visible():
        page.get_by_role("button", name=rest_button).click()
    expect(step_screen).to_be_visible()
    page.get_by_role("button", name="Done").click()


def test_a_whole_session_with_a_double_tap_a_reload_and_the_back_button(
    page, live_server, alice, protocol
):
    prompts = accept_leave_prompts(page)
    sign_in(page, live_server, alice)
    start_session(page, pain="4")

    expect(page.get_by_text("Circuit 1 · Round 1 of 3")).to_be_visible()
    expect(page.get_by_text("Step 1 of 21")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Side Lying Thoracic Sweep")
    expect(page.get_by_text("5 reps each side", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "step.png")

    # The first time an exercise comes up its how-to is open, and folds away on a tap;
    # when to stop stays in view either way.
    how_to = page.get_by_text("Lie on one side with your hips and knees bent")
    expect(how_to).to_be_visible()
    page.get_by_text("How to do it").click()
    expect(how_to).to_be_hidden()
    expect(page.get_by_text("When to stop:")).to_be_visible()

    page.get_by_role("button", name="Done").click()  # step 1
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()

    page.get_by_role("button", name="Done").dblclick()  # step 2, twice
    expect(page.get_by_role("heading", level=1, name="Rest")).to_be_visible()
    expect(page.get_by_text("Round 1 of 3 done")).to_be_visible()
    assert int(page.locator("[data-countdown]").inner_text()) > 20
    page.get_by_role("button", name="+15 s (15 seconds more)", exact=True).click()
    assert int(page.locator("[data-countdown]").inner_text()) > 35
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.mouse.move(0, 0)
    save_screenshot(page, "rest.png")
    page.get_by_role("button", name="Skip rest").click()
    expect(page.get_by_text("Step 3 of 21")).to_be_visible()

    page.reload()  # asks "leave this page?" first; the step is still step 3
    expect(page.get_by_text("Step 3 of 21")).to_be_visible()
    assert "beforeunload" in prompts

    page.get_by_role("button", name="Done").click()  # step 3
    expect(page.get_by_text("Step 4 of 21")).to_be_visible()
    # Back: signed-in pages are no-store, so the browser usually asks again and
    # shows step 4; if it restores the old step 3 screen from its back-forward
    # cache instead, that screen's Done is stale and changes nothing.
    page.go_back()
    page.wait_for_load_state()
    if page.locator(".progress-line label").inner_text() == "Step 3 of 21":
        page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Step 4 of 21")).to_be_visible()
    page.get_by_role("button", name="Done").click()  # step 4

    for number in range(5, 22):
        do_step(page, number)

    expect(page.get_by_role("heading", level=1)).to_have_text("Well done: session complete")
    page.get_by_text("8", exact=True).click()
    page.get_by_label("How did it feel?").fill("Tight on the left side today.")
    page.get_by_role("button", name="Save and see the summary").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Session summary")
    expect(page.get_by_text("9 of 9")).to_be_visible()
    expect(page.get_by_text("4 → 8")).to_be_visible()
    expect(page.get_by_role("heading", name="Your back hurts a lot")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    save_screenshot(page, "summary.png")

    session = TrainingSession.objects.get(user=alice)
    assert session.status == TrainingSession.Status.FINISHED
    assert (session.pain_before, session.pain_after) == (4, 8)
    assert CompletedRound.objects.filter(session=session).count() == 9
    pairs = set(CompletedRound.objects.values_list("circuit_number", "round_number"))
    assert pairs == {(c, r) for c in (1, 2, 3) for r in (1, 2, 3)}


def test_a_rest_runs_out_by_itself(page, live_server, alice, protocol):
    Circuit.objects.filter(number=1).update(rest_between_rounds_seconds=2)
    sign_in(page, live_server, alice)
    start_session(page, pain=None)
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("heading", level=1, name="Rest")).to_be_visible()
    expect(page.get_by_text("Step 3 of 21")).to_be_visible(timeout=8_000)


def test_the_whole_session_works_without_javascript(browser, live_server, alice, protocol):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, base_url=live_server.url
    )
    page = context.new_page()
    sign_in(page, live_server, alice)
    start_session(page, pain="2")
    for number in range(1, 22):
        if number in (3, 5, 7, 9, 11, 13, 16, 19):  # a rest comes first, with no countdown
            expect(page.get_by_role("heading", level=1, name="Rest")).to_be_visible()
            expect(
                page.get_by_role("button", name="+15 s (15 seconds more)", exact=True)
            ).to_be_hidden()
            expect(page.get_by_role("button", name="Continue")).to_be_visible()
        do_step(page, number, rest_button="Continue")
    page.get_by_role("button", name="Save and see the summary").click()
    expect(page.get_by_text("9 of 9")).to_be_visible()
    context.close()
    assert CompletedRound.objects.filter(session__user=alice).count() == 9


def test_resume_after_closing_the_page(browser, live_server, alice, protocol):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, live_server, alice)
    start_session(page)
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()
    page.close(run_before_unload=False)

    page = context.new_page()
    page.goto("/session/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is waiting")
    expect(page.get_by_text("You stopped at step 2 of 21")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Resume").click()
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()
    context.close()


def test_ending_early_after_asking(page, live_server, alice, protocol):
    sign_in(page, live_server, alice)
    start_session(page)
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Done").click()
    page.get_by_role("link", name="End early").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("End this session now?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How did it go?")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save and see the summary").click()
    expect(page.get_by_text("1 of 9 (ended early)")).to_be_visible()


def test_skipping_a_step_that_hurts_on_a_phone(page, live_server, alice, protocol):
    accept_leave_prompts(page)
    sign_in(page, live_server, alice)
    start_session(page)
    do_step(page, 1)
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()
    page.get_by_role("button", name="This hurts: skip it").click()

    # The rest after a skip says what to do, and waits for the person.
    expect(page.get_by_role("heading", level=1, name="Rest")).to_be_visible()
    expect(page.get_by_role("heading", name="You skipped 1b Hip CARs")).to_be_visible()
    expect(page.get_by_text("smaller range")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.mouse.move(0, 0)
    page.screenshot(path=LOOK_AT / "skip-rest.png", full_page=True)
    save_screenshot(page, "skip-rest.png")

    page.get_by_role(
        "button", name="Skip 1b Hip CARs (controlled articular rotations) for the rest"
    ).click()
    expect(page.get_by_text("will be passed over for the rest of this session")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Step 3 of 21")).to_be_visible()
    expect(page.get_by_role("heading", name="You skipped 1b Hip CARs")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=LOOK_AT / "skip-step.png", full_page=True)
    do_step(page, 3)
    # Step 4 (1b) is passed over by itself: the rest before round 3 comes next.
    expect(page.get_by_role("heading", level=1, name="Rest")).to_be_visible()
    expect(page.get_by_text("passed over", exact=False).first).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=LOOK_AT / "skip-passed-over.png", full_page=True)

    session = TrainingSession.objects.get(user=alice)
    assert [(entry["step"], entry.get("passed_over", False)) for entry in session.skipped] == [
        (2, False),
        (4, True),
    ]
    assert CompletedRound.objects.filter(session=session).count() == 2
