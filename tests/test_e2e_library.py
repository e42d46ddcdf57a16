"""The library on a phone: choose a protocol, hold a timed hold, keep them apart.

In Debian's chromium at 390 by 844, with axe on every new page. Screenshots
of the new screens are saved to the temporary folder to be looked at (and to
`SCREENSHOTS_DIR` too when `make screenshots` sets it).
"""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from protocols.models import Protocol
from sessions.models import CompletedRound, TrainingSession
from tests.conftest import assert_no_horizontal_scroll, axe_violations, clear_safety_gate, sign_in
from tests.library_helpers import make_protocol

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
LOOK_AT = Path(tempfile.gettempdir())


def look(page, name: str) -> None:
    page.screenshot(path=LOOK_AT / f"library-{name}", full_page=True)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / name, full_page=True)


def audited(page, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert axe_violations(page) == [], name
    look(page, name)


@pytest.fixture
def holds(protocol, alice, disclaimer):
    """A published protocol of one timed hold (2 s each side), once, beside the seed's."""
    clear_safety_gate(alice)
    return make_protocol("holds", exercises=1, rounds=1, measure="seconds", reps=2)


def test_choosing_a_protocol_and_walking_a_timed_hold_end_to_end(page, live_server, alice, holds):
    sign_in(page, live_server, alice)
    page.goto("/")
    page.get_by_role("link", name="All 2 protocols").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Protocols")
    audited(page, "protocols.png")

    page.get_by_role("link", name=holds.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(holds.name)
    audited(page, "protocol-holds.png")
    page.get_by_role("link", name="Start or resume a session").click()
    expect(page.get_by_text(holds.name, exact=True)).to_be_visible()
    page.get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_text("Step 1 of 1", exact=True)).to_be_visible()
    expect(page.get_by_text("2 seconds each side", exact=True)).to_be_visible()
    timer = page.get_by_role("timer", name="Hold time left")
    expect(timer).to_have_text("2 seconds")
    audited(page, "step-hold.png")
    page.get_by_role("button", name="Start the hold: first side").click()
    expect(
        page.get_by_text("First side done. Change sides, then start the other side.")
    ).to_be_visible(timeout=5000)
    page.get_by_role("button", name="Start the hold: other side").click()
    expect(page.get_by_text("Hold done. Tap Done when you are ready.")).to_be_visible(timeout=5000)
    page.get_by_role("button", name="Done").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Well done: session complete")
    page.get_by_role("button", name="Save and see the summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session summary")
    expect(page.get_by_text(holds.name, exact=True)).to_be_visible()
    audited(page, "summary-protocol.png")
    session = TrainingSession.objects.get()
    assert session.protocol == holds and session.status == "finished"
    assert CompletedRound.objects.get(session=session).exercises[0]["prescription"] == (
        "2 seconds each side"
    )


def test_history_keeps_two_protocols_apart(page, live_server, alice, holds, protocol):
    from datetime import timedelta

    from django.utils import timezone

    from sessions.models import ProgressSummary
    from tests.history_helpers import past_session

    past_session(alice, timezone.now() - timedelta(days=2))
    other = past_session(alice, timezone.now() - timedelta(days=1))
    TrainingSession.objects.filter(pk=other.pk).update(protocol=holds, protocol_name=holds.name)
    ProgressSummary.refresh_for(alice.pk)
    sign_in(page, live_server, alice)
    page.goto("/history/")
    page.get_by_label("Protocol", exact=True).select_option(label=holds.name)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"Showing {holds.name} only.", exact=False)).to_be_visible()
    expect(page.get_by_text("1 in all, newest first.")).to_be_visible()
    audited(page, "history-one-protocol.png")


def test_one_session_at_a_time_on_a_phone(page, live_server, alice, holds, protocol):
    from tests.library_helpers import with_exercises

    TrainingSession.start(alice, with_exercises(protocol), 3)
    sign_in(page, live_server, alice)
    page.goto(holds.get_start_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Your session is waiting")
    expect(page.get_by_text(f"to start {holds.name}", exact=False)).to_be_visible()
    audited(page, "start-one-at-a-time.png")


def test_a_coach_previews_a_draft_and_reads_a_retired_one(
    page, live_server, coach, protocol, disclaimer
):
    clear_safety_gate(coach)
    draft = make_protocol("draft", status=Protocol.Status.DRAFT, exercises=1, rounds=1)
    retired = make_protocol("retired", status=Protocol.Status.RETIRED)
    sign_in(page, live_server, coach)
    page.goto(draft.get_absolute_url())
    audited(page, "protocol-draft.png")
    page.get_by_role("link", name="Preview it as a person would").click()
    expect(page.get_by_text("Preview of a draft protocol.")).to_be_visible()
    audited(page, "preview-start.png")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_text(f"Preview of {draft.name}.", exact=False)).to_be_visible()
    audited(page, "preview-step.png")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Preview over. Nothing was recorded")).to_be_visible()
    assert not TrainingSession.all_objects.exists()

    page.goto(retired.get_absolute_url())
    expect(page.get_by_text("can no longer be started", exact=False)).to_be_visible()
    audited(page, "protocol-retired.png")
