"""Guide me on a phone: a whole session played by the guide, under a controlled clock.

Speech synthesis is replaced by a recorder (what the guide would say), and so
are vibration and Web Audio's oscillators (what it would buzz and beep), so the
tests read everything a person would hear, and the clock (`page.clock`) runs a
25-minute session in well under a minute.
"""

import datetime
import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from protocols.models import Exercise
from sessions.models import CompletedRound, TrainingPreferences, TrainingSession
from tests.conftest import axe_violations, clear_safety_gate, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORDERS = """
window.__said = [];
window.__buzzed = [];
window.__tones = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speaking: false, pending: false, paused: false,
    speak: function (utterance) { if (utterance.text.trim()) window.__said.push(utterance.text); },
    cancel: function () {}, pause: function () {}, resume: function () {},
    getVoices: function () { return []; },
    addEventListener: function () {}, removeEventListener: function () {}
  }
});
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__buzzed.push(pattern); return true; }
});
if (window.AudioContext) {
  var original = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    var oscillator = original.call(this);
    var start = oscillator.start.bind(oscillator);
    oscillator.start = function (when) {
      window.__tones.push(oscillator.frequency.value);
      start(when);
    };
    return oscillator;
  };
}
"""

LOOK_AT = Path(tempfile.gettempdir())
START_TIME = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _alice_through_the_gate(alice, disclaimer):
    clear_safety_gate(alice)


@pytest.fixture
def guided(page, live_server, alice, protocol):
    """Alice's phone with the recorders in and the clock under the test's hand."""
    page.add_init_script(RECORDERS)
    page.clock.install(time=START_TIME)
    sign_in(page, live_server, alice)
    return page


def start_session(page, protocol=None) -> None:
    """Start a session of `protocol` (the seed's if None), pain 3, and stop the clock there."""
    page.goto(f"/protocols/{protocol.slug}/" if protocol else "/session/")
    if protocol:
        page.get_by_role("link", name="Start or resume a session").click()
    page.get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Start").click()
    steps = len(protocol.steps()) if protocol else 21
    expect(page.get_by_text(f"Step 1 of {steps}", exact=True)).to_be_visible()
    page.clock.pause_at(START_TIME + datetime.timedelta(minutes=1))


def said(page) -> list[str]:
    return page.evaluate("window.__said.slice()")


# The guide's big line, if it is on screen (read in one go: the screen may be swapping).
SHOWN = """(() => {
  var node = document.querySelector("[data-guide-now]");
  return node && node.checkVisibility() ? node.textContent : "";
})()"""


def now_text(page) -> str:
    try:
        return page.evaluate(SHOWN)
    except PlaywrightError:  # a page load (the finish screen) under way
        return ""


def play(page, seconds: float, every: float = 0.5) -> list[str]:
    """Run the clock for `seconds`, noting each new text the guide shows."""
    seen: list[str] = []
    for _ in range(int(seconds / every)):
        page.clock.run_for(int(every * 1000))
        text = now_text(page)
        if text and (not seen or seen[-1] != text):
            seen.append(text)
    return seen


def play_until(page, locator, limit: float = 240, every: float = 1.0) -> list[str]:
    """Run the clock until `locator` is visible; the texts the guide showed on the way.

    The paused clock stands still in real time, so once the guide time is spent
    a last real-time wait only gives the server time to answer a post the guide
    already sent: on a busy machine the server may take longer to answer than
    the guide's seconds take to run.
    """
    seen: list[str] = []
    for _ in range(int(limit / every)):
        if locator.count() and locator.first.is_visible():
            return seen
        seen += [text for text in play(page, every, every) if not seen or seen[-1] != text]
    try:
        locator.first.wait_for(state="visible")
    except PlaywrightError:
        raise AssertionError(
            f"not reached in {limit} s of guide time; last seen: {seen[-5:]}"
        ) from None
    return seen


def step_screen(page, number: int):
    return page.get_by_text(f"Step {number} of 21", exact=True)


def said_from(page, words: str) -> list[str]:
    """What the guide said from the last time it said `words` on."""
    everything = said(page)
    return everything[len(everything) - 1 - everything[::-1].index(words) :]


def test_a_whole_session_by_ear_with_the_guide_carrying_on(guided, alice):
    page = guided
    start_session(page)
    page.get_by_role("button", name="Guide me").click()
    expect(page.locator("[data-guide-now]")).to_have_text(
        "First side (your easier one) — get ready"
    )
    sweep = Exercise.objects.get(label="1a").pacing()
    assert said(page) == [sweep[0].say]

    # 1a plays through and records itself: the next exercise comes on its own.
    seen = play_until(page, step_screen(page, 2))
    assert seen[: len(sweep)] == [*(prompt.text for prompt in sweep[:-1]), "Set done: recording it"]
    assert said_from(page, sweep[0].say)[: len(sweep)] == [prompt.say for prompt in sweep]
    # A buzz at the change of side and at the end; the end's three rising tones.
    assert page.evaluate("window.__buzzed") == [200, [200, 100, 200]]
    assert page.evaluate("window.__tones") == [660, 880, 1100]
    assert TrainingSession.objects.get(user=alice).steps_done == 1

    # 1b Hip CARs: shown and said prompt by prompt, forwards then backwards on each leg.
    hip_cars = Exercise.objects.get(label="1b").pacing()
    seen = play_until(page, page.get_by_role("heading", level=1, name="Rest"), every=0.5)
    shown = [prompt.text for prompt in hip_cars[:-1]]
    assert [text for text in seen if text in shown] == shown
    assert said_from(page, hip_cars[0].say)[: len(hip_cars)] == [p.say for p in hip_cars]
    assert CompletedRound.objects.count() == 1

    # The rest says how long, counts its last three seconds, then goes on by itself.
    rest = "Rest, 30 seconds. Next: Side Lying Thoracic Sweep."
    expect(page.locator("[data-guide]")).to_contain_text("Guide me is on")
    assert said(page)[-1] == rest
    play_until(page, step_screen(page, 3))
    assert said_from(page, rest) == [rest, "3", "2", "1", sweep[0].say]

    # Pause and resume: nothing moves while paused.
    play(page, 8)  # into the reps of the first side
    paused_at = now_text(page)
    assert " · rep " in paused_at
    page.get_by_role("button", name="Pause guide").click()
    expect(page.locator("[data-guide-live]")).to_have_text("Guide paused")
    play(page, 30)
    assert now_text(page) == paused_at
    page.get_by_role("button", name="Resume").click()
    play(page, 4)
    assert now_text(page) != paused_at

    # Faster: remembered on the server at once, so a reload (or another phone) keeps it.
    page.get_by_text("Speed, sound and carrying on").click()
    page.get_by_role("button", name="Faster").click()
    expect(page.locator("[data-guide-speed]")).to_have_text("Speed 1.25×")
    for _ in range(50):
        if TrainingPreferences.objects.filter(user=alice, guide_speed=125).exists():
            break
        page.wait_for_timeout(100)
    assert TrainingPreferences.objects.get(user=alice).guide_speed == 125

    # A reload mid-set starts that set again, and says so; it waits for a tap to speak.
    page.reload()
    expect(page.locator("[data-guide-notice]")).to_have_text(
        "The page was reloaded, so this set starts again from the beginning. "
        "Tap Start the set when you are ready."
    )
    expect(page.locator("[data-guide-speed]")).to_have_text("Speed 1.25×")
    page.get_by_role("button", name="Start the set").click()
    expect(page.locator("[data-guide-now]")).to_have_text(
        "First side (your easier one) — get ready"
    )
    # At 1.25×, 5 s to get ready take 4 s and a 3 s rep 2.4 s.
    play(page, 3.5)
    assert now_text(page) == "First side (your easier one) — get ready"
    play(page, 1)
    assert now_text(page) == "First side · rep 1 of 5"
    play(page, 2.5)
    assert now_text(page) == "First side · rep 2 of 5"
    assert TrainingSession.objects.get(user=alice).steps_done == 2

    # 3b Hamstring Lowering, said and shown leg by leg.
    play_until(page, step_screen(page, 14), limit=900)
    lowering = Exercise.objects.get(label="3b").pacing()
    seen = play_until(page, step_screen(page, 15), limit=240, every=0.5)
    assert [text for text in seen if " · rep " in text] == [
        p.text for p in lowering if p.kind == "rep"
    ]
    assert "Change legs: other leg" in seen
    assert said_from(page, lowering[0].say)[: len(lowering)] == [p.say for p in lowering]

    # On to the end: the finish page, and exactly nine rounds.
    finished = page.get_by_role("heading", level=1, name="Well done: session complete")
    play_until(page, finished, limit=900)
    session = TrainingSession.objects.get(user=alice)
    assert (session.status, session.steps_done, session.skipped) == ("finished", 21, [])
    assert CompletedRound.objects.filter(session=session).count() == 9


def test_without_carry_on_the_guide_waits_for_done_and_a_second_tab_counts_once(guided, alice):
    page = guided
    TrainingPreferences.objects.create(user=alice, guide_carries_on=False, guide_sound="tones")
    start_session(page)
    page.get_by_role("button", name="Guide me").click()
    page.get_by_text("Speed, sound and carrying on").click()
    expect(page.get_by_role("switch", name="Carry on by myself")).not_to_be_checked()
    expect(page.get_by_role("radio", name="Tones only")).to_be_checked()

    # Tones, not words: one for each rep, two at the change of side.
    play(page, 5 + 5 * 3 + 3 + 5 * 3 + 1)
    expect(page.locator("[data-guide-now]")).to_have_text("Set done: tap Done when you are ready")
    assert said(page) == []
    tones = page.evaluate("window.__tones")
    assert tones.count(660) == 10 + 1 and tones[-3:] == [660, 880, 1100]
    expect(page.locator("[data-guide-live]")).to_have_text("Set done. Tap Done when you are ready.")

    # It waits: a minute later nothing is recorded and the step is still on.
    play(page, 60, every=5)
    assert TrainingSession.objects.get(user=alice).steps_done == 0
    expect(step_screen(page, 1)).to_be_visible()

    # Meanwhile a second tab taps Done on step 1 …
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_role("button", name="Done").click()
    expect(step_screen(other, 2)).to_be_visible()
    other.close()
    # … so this tab's Done is stale: recorded once, and the guide goes on with step 2.
    page.get_by_role("button", name="Done").click()
    expect(step_screen(page, 2)).to_be_visible()
    expect(page.locator("[data-guide-now]")).to_have_text(
        "First leg (your easier one), forwards — get ready"
    )
    assert TrainingSession.objects.get(user=alice).steps_done == 1

    # The switch is saved with the preferences when it is turned on.
    page.get_by_text("Speed, sound and carrying on").click()
    page.get_by_role("switch", name="Carry on by myself").check()
    for _ in range(50):
        if TrainingPreferences.objects.get(user=alice).guide_carries_on:
            break
        page.wait_for_timeout(100)
    assert TrainingPreferences.objects.get(user=alice).guide_carries_on


def test_restart_skip_to_the_other_side_a_double_tap_and_the_screen_going_off(guided, alice):
    page = guided
    start_session(page)
    page.get_by_role("button", name="Guide me").click()
    play(page, 5 + 3 * 2 + 0.5)
    assert now_text(page) == "First side · rep 3 of 5"

    page.get_by_role("button", name="Skip to other side").click()
    expect(page.locator("[data-guide-now]")).to_have_text("Change sides: other side")
    expect(page.get_by_role("button", name="Skip to other side")).to_be_disabled()
    page.get_by_role("button", name="Restart set").click()
    expect(page.locator("[data-guide-now]")).to_have_text(
        "First side (your easier one) — get ready"
    )
    expect(page.locator("[data-guide-live]")).to_have_text("Set started again")

    # The screen goes off: the guide pauses rather than count unseen, and says so.
    page.evaluate(
        """() => {
          const state = (value) => Object.defineProperty(
            document, "visibilityState", {configurable: true, value: value});
          state("hidden");
          document.dispatchEvent(new Event("visibilitychange"));
          state("visible");
        }"""
    )
    expect(page.locator("[data-guide-notice]")).to_contain_text("Paused while the screen was off")
    play(page, 30)
    assert now_text(page) == "First side (your easier one) — get ready"
    page.get_by_role("button", name="Resume").click()

    # The set ends as the person taps Done too: one step recorded, not two.
    play(page, 5 + 5 * 3 + 3 + 5 * 3 + 0.5)
    expect(page.locator("[data-guide-now]")).to_have_text("Set done: recording it")
    page.get_by_role("button", name="Done").click()
    play(page, 3)
    expect(step_screen(page, 2)).to_be_visible()
    session = TrainingSession.objects.get(user=alice)
    assert (session.steps_done, session.skipped) == (1, [])

    # Stop guiding: the step is the plain screen again, and stays so.
    page.get_by_role("button", name="Stop guiding").click()
    expect(page.get_by_role("button", name="Guide me")).to_be_focused()
    play(page, 120, every=10)
    expect(step_screen(page, 2)).to_be_visible()
    assert TrainingSession.objects.get(user=alice).steps_done == 1


def test_the_guide_screen_fits_a_phone(guided, alice):
    page = guided
    start_session(page)
    page.screenshot(path=str(LOOK_AT / "guide-before.png"))  # Guide me beside Done
    done = page.get_by_role("button", name="Done").bounding_box()
    guide_me = page.get_by_role("button", name="Guide me").bounding_box()
    assert guide_me["y"] == done["y"] and guide_me["height"] == done["height"]
    assert done["y"] + done["height"] <= 844
    page.get_by_role("button", name="Guide me").click()
    play(page, 5 + 3 * 2 + 0.5)
    page.get_by_role("button", name="Pause guide").click()
    page.locator("[data-guide]").screenshot(path=str(LOOK_AT / "guide-step.png"))
    if os.environ.get("SCREENSHOTS_DIR"):  # `make screenshots`: the README's picture
        page.locator("main").screenshot(path=str(Path(os.environ["SCREENSHOTS_DIR"]) / "guide.png"))
    page.get_by_text("Speed, sound and carrying on").click()
    page.locator("[data-guide]").screenshot(path=str(LOOK_AT / "guide-settings.png"))
    page.screenshot(path=str(LOOK_AT / "guide-step-full.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.clock.resume()  # axe waits on timers of its own
    assert axe_violations(page) == []


def test_after_this_hurts_the_guide_waits_while_the_advice_is_read(guided, alice):
    page = guided
    start_session(page)
    page.get_by_role("button", name="Guide me").click()
    play(page, 8)
    page.get_by_role("button", name="This hurts: skip it").click()
    expect(
        page.get_by_role("heading", name="You skipped 1a Side Lying Thoracic Sweep")
    ).to_be_visible()
    expect(page.locator("[data-guide-notice]")).to_have_text(
        "Read what to do after a skip first. Tap Start the set when you are ready."
    )
    assert said(page)[-1] == "Read what to do after a skip, then tap Start the set."
    play(page, 60, every=5)
    assert now_text(page) == "Ready"
    session = TrainingSession.objects.get(user=alice)
    assert (session.steps_done, [skip["step"] for skip in session.skipped]) == (1, [1])
    page.get_by_role("button", name="Start the set").click()
    expect(page.locator("[data-guide-now]")).to_have_text(
        "First leg (your easier one), forwards — get ready"
    )


def test_a_timed_hold_is_guided_and_counted_down(guided, alice):
    from tests.library_helpers import make_protocol

    holds = make_protocol("holds", exercises=1, rounds=1, measure="seconds", reps=20)
    page = guided
    start_session(page, holds)
    page.get_by_role("button", name="Guide me").click()
    expect(page.get_by_role("timer", name="Hold time left")).to_be_hidden()
    play(page, 5.5)
    assert now_text(page) == "First side · hold 20 s"
    assert said(page)[-1] == "Hold, 20 seconds."
    play(page, 5)
    expect(page.locator("[data-guide-count]")).to_have_text("15")
    expect(page.locator("[data-guide-bar-label]")).to_have_text("15 s left of 20")
    play(page, 15 + 3)
    assert now_text(page) == "Other side · hold 20 s"
    finished = page.get_by_role("heading", level=1, name="Well done: session complete")
    play_until(page, finished, limit=60)
    session = TrainingSession.objects.get(user=alice)
    assert (session.protocol, session.status, session.steps_done) == (holds, "finished", 1)
    assert CompletedRound.objects.filter(session=session).count() == 1


def test_a_hold_the_guide_brought_in_counts_by_hand_once_the_guide_stops(guided, alice):
    """The guide swaps the next step in without a page load; its hold timer still works."""
    from tests.library_helpers import make_protocol

    holds = make_protocol("two-holds", exercises=2, rounds=1, measure="seconds", reps=2)
    page = guided
    start_session(page, holds)
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Guide me").click()
    play_until(page, page.get_by_text("Step 2 of 2", exact=True), limit=60)
    assert page.evaluate("window.__samePage === true"), "the guide swapped the step in"
    page.get_by_role("button", name="Stop guiding").click()

    timer = page.get_by_role("timer", name="Hold time left")
    expect(timer).to_have_text("2 seconds")
    page.get_by_role("button", name="Start the hold: first side").click()
    play(page, 2.5)
    expect(
        page.get_by_text("First side done. Change sides, then start the other side.")
    ).to_be_visible()
    page.get_by_role("button", name="Start the hold: other side").click()
    play(page, 2.5)
    expect(page.get_by_text("Hold done. Tap Done when you are ready.")).to_be_visible()
    assert page.evaluate("window.__buzzed.slice(-2)") == [200, 200]
