"""axe-core on every page a person can reach, on a phone, in Debian's chromium.

One sweep per kind of visitor: nobody (the public pages, signing up, logging
in, a password reset), a newcomer at the safety gate, and people through it
(their account, a guided session from start to summary, their history), and
the pages only a mishap shows (a 404, an expired form, too many wrong
passwords, no network). Forms are checked empty and again with their error
messages. Each sweep checks every page before it fails, then names each page
with its violations.

`test_every_page_is_audited` keeps the sweeps whole: every URL name that
tests/test_access_sweep.py classifies and that answers with a page must be
in one sweep's list below, and each sweep must really have shown each of its
pages (read back from the tab's address).
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts.models import User
from protocols.models import Exercise, Protocol
from safety.models import RedFlag, RedFlagScreening
from sessions.models import TrainingSession
from tests.conftest import (
    PASSWORD,
    axe_violations,
    clear_safety_gate,
    sign_in,
    signup_link_for,
    signup_link_from_outbox,
    tap_through,
)
from tests.test_access_sweep import OWNED, PUBLIC, SIGNED_IN, STAFF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Which sweep shows which named page.
SWEEPS = {
    "public": {
        "protocols:home",
        "safety:public_disclaimer",
        "protocols:protocol",
        "protocols:exercise",
        "accounts:signup",
        "accounts:signup_sent",
        "accounts:signup_complete",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "ops:offline",
    },
    "gate": {
        "safety:disclaimer",
        "safety:screening",
        "safety:screening_result",
        "safety:clearance",
    },
    "account": {
        "accounts:account",
        "accounts:delete",
        "accounts:password_change",
        "accounts:password_change_done",
    },
    "session": {
        "training_sessions:start",
        "training_sessions:session",
        "training_sessions:end",
        "training_sessions:finish",
        "training_sessions:summary",
    },
    "library": {
        "protocols:list",
        "training_sessions:start_protocol",
        "training_sessions:preview",
    },
    "history": {
        "history:list",
        "history:detail",
        "history:delete",
        "history:print",
        "history:settings",
    },
    "sharing": {"sharing:links"},
}
# Classified URLs that are no page to look at: the service worker's script,
# the redirect to the featured protocol, the CSV and PDF downloads and
# coaches' uploaded files.
NOT_PAGES = {
    "ops:service-worker",
    "protocols:featured",
    "history:export_csv",
    "protocols:media",
    "sharing:own_pdf",
}


def test_every_page_is_audited():
    audited = set().union(*SWEEPS.values())
    pages = (PUBLIC | SIGNED_IN | OWNED | STAFF) - NOT_PAGES
    assert pages - audited == set(), "add these pages to a sweep in this module"
    assert audited - pages == set(), "audited names that tests/test_access_sweep.py lacks"


class Sweep:
    """axe on each page the tab shows; the failures kept until the end."""

    def __init__(self, page, name: str) -> None:
        self.page = page
        self.name = name
        self.failures: dict[str, list[str]] = {}
        self.seen: set[str] = set()
        self.checked = 0
        # Leaving a session's screen asks "leave this page?": yes.
        page.on("dialog", lambda dialog: dialog.accept())

    def visit(self, path: str, heading: str, label: str | None = None) -> None:
        self.page.goto(path)
        self.check(heading, label or path)

    def check(self, heading: str, label: str) -> None:
        """axe on what the tab shows now, once its main heading reads `heading`."""
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)
        path = urlsplit(self.page.url).path
        with contextlib.suppress(Resolver404):  # the 404 page has no name
            self.seen.add(resolve(path).view_name)
        self.checked += 1
        violations = axe_violations(self.page)
        if violations:
            self.failures[f"{label} ({path})"] = violations
            print(f"axe: {label} ({path}): {len(violations)} violation(s)")

    def finish(self) -> None:
        report = "\n".join(
            f"{page}:\n  " + "\n  ".join(violations) for page, violations in self.failures.items()
        )
        assert self.failures == {}, f"axe violations on {len(self.failures)} page(s):\n{report}"
        missing = SWEEPS.get(self.name, set()) - self.seen
        assert missing == set(), f"the {self.name} sweep never showed {missing}"
        print(f"axe: {self.name} sweep, {self.checked} pages, 0 violations")


def test_public_pages(page, protocol, disclaimer, alice):
    sweep = Sweep(page, "public")
    sweep.visit("/", "cranky lower back", "landing")
    sweep.visit("/disclaimer/", "Disclaimer")
    sweep.visit(protocol.get_absolute_url(), protocol.name, "protocol")
    for exercise in Exercise.objects.order_by("label"):
        sweep.visit(exercise.get_absolute_url(), exercise.name, f"exercise {exercise.label}")

    sweep.visit("/account/signup/", "Create your account", "sign up")
    page.get_by_role("button", name="Create account").click()
    sweep.check("Create your account", "sign up, with errors")
    page.get_by_label("Email address").fill("newcomer@example.com")
    page.get_by_role("button", name="Create account").click()
    sweep.check("Check your email", "sign up, sent")
    link = signup_link_from_outbox()
    sweep.visit(link, "Choose a password", "sign-up link")
    page.get_by_role("button", name="Create account").click()
    sweep.check("Choose a password", "sign-up link, with errors")
    sweep.visit("/account/signup/not-a-token/", "no longer works", "sign-up, bad link")
    sweep.visit(signup_link_for(alice.email), "already have an account", "sign-up link, used")
    sweep.visit("/account/login/", "Log in", "log in")
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    sweep.check("Log in", "log in, wrong password")

    sweep.visit("/account/password/reset/", "Reset your password", "password reset")
    page.locator("#id_email").fill(alice.email)
    page.get_by_role("button", name="Send the link").click()
    sweep.check("Check your email", "password reset, sent")
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    sweep.visit(f"/account/password/reset/{uid}/not-a-token/", "no longer works", "reset, bad link")
    token = default_token_generator.make_token(alice)
    sweep.visit(f"/account/password/reset/{uid}/{token}/", "Choose a new password", "reset link")
    page.get_by_role("button", name="Save new password").click()
    sweep.check("Choose a new password", "reset link, with errors")
    page.locator("#id_new_password1").fill(PASSWORD + " again")
    page.locator("#id_new_password2").fill(PASSWORD + " again")
    page.get_by_role("button", name="Save new password").click()
    sweep.check("Your new password is saved", "password reset, complete")

    sweep.visit("/offline/", "You are offline", "offline page")
    sweep.visit("/no-such-page/", "We cannot find that page", "404")
    sweep.finish()


def test_pages_after_a_mishap(page, alice, disclaimer):
    sweep = Sweep(page, "mishaps")
    # A form whose CSRF cookie has gone (cleared, expired): our 403 page.
    page.goto("/account/login/")
    page.context.clear_cookies()
    page.get_by_label("Email address").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    sweep.check("Please try that again", "CSRF failure")

    # Wrong passwords until django-axes pauses logging in for this address.
    page.goto("/account/login/")
    for _ in range(6):
        if page.get_by_role("heading", level=1, name="Too many attempts").is_visible():
            break
        page.get_by_label("Email address").fill(alice.email)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
    sweep.check("Too many attempts to log in", "locked out")
    sweep.finish()


def test_safety_gate_pages(page, live_server, disclaimer):
    newcomer = User.objects.create_user("erin@example.com", PASSWORD)
    sign_in(page, live_server, newcomer)
    sweep = Sweep(page, "gate")
    page.goto("/session/")  # the gate sends a newcomer to the disclaimer first
    sweep.check("Before you start", "disclaimer")
    page.get_by_role("button", name="Confirm and continue").click()
    sweep.check("Before you start", "disclaimer, not ticked")
    page.get_by_label(re.compile("I have read this")).check()
    page.get_by_role("button", name="Confirm and continue").click()

    sweep.check("A few safety questions", "screening")
    page.get_by_role("button", name="Send my answers").click()
    sweep.check("A few safety questions", "screening, unanswered")
    questions = page.locator("fieldset.question")
    for index in range(len(RedFlag)):
        answer = "Yes" if index == 0 else "No"
        questions.nth(index).get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    sweep.check("Please go to an emergency department now", "screening result (emergency)")
    # A lasting fact as well: the check-first page, and its form's errors.
    RedFlagScreening.objects.create(user=newcomer, answers={RedFlag.CANCER.value: True})
    sweep.visit(
        "/account/screening/check-first/",
        "Please check with a doctor or physio before these exercises",
        "check first (lasting fact)",
    )
    page.get_by_role("button", name="Save and continue").click()
    sweep.check(
        "Please check with a doctor or physio before these exercises", "check first, not ticked"
    )
    sweep.finish()


def test_account_pages(page, live_server, alice, disclaimer):
    clear_safety_gate(alice)
    sign_in(page, live_server, alice)
    sweep = Sweep(page, "account")
    sweep.visit("/account/", "Your account", "account")
    sweep.visit("/account/password/", "Change your password", "password change")
    page.get_by_role("button", name="Change password").click()
    sweep.check("Change your password", "password change, with errors")
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill(PASSWORD + " anew")
    page.locator("#id_new_password2").fill(PASSWORD + " anew")
    page.get_by_role("button", name="Change password").click()
    sweep.check("Password changed", "password changed")
    sweep.visit("/account/delete/", "Delete your account", "delete account")
    page.get_by_role("button", name="Delete my account for good").click()
    sweep.check("Delete your account", "delete account, with errors")
    sweep.finish()


def test_session_pages(page, live_server, alice, protocol, disclaimer):
    clear_safety_gate(alice)
    sign_in(page, live_server, alice)
    sweep = Sweep(page, "session")
    sweep.visit("/session/", "Start a session", "start")
    page.get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Start").click()
    sweep.check("Side Lying Thoracic Sweep", "step 1, how-to open (round 1)")
    page.get_by_text("How to do it").click()
    sweep.check("Side Lying Thoracic Sweep", "step 1, how-to folded")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Step 2 of 21")).to_be_visible()
    page.get_by_role("button", name="Done").click()
    sweep.check("Rest", "rest")

    sweep.visit("/session/", "Your session is waiting", "start, a session waiting")
    page.get_by_role("link", name="End it early").click()
    sweep.check("End this session now?", "end early")
    page.get_by_role("button", name="End session").click()
    sweep.check("How did it go?", "finish, ended early")
    page.get_by_role("button", name="Save and see the summary").click()
    sweep.check("Session summary", "summary")

    # A whole session, rated worse afterwards: the summary points to a practitioner.
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
    client = Client()
    client.force_login(alice)
    tap_through(client, session)
    sweep.visit(f"/session/{session.pk}/finish/", "Well done", "finish, complete")
    page.get_by_text("8", exact=True).click()
    page.get_by_role("button", name="Save and see the summary").click()
    sweep.check("Session summary", "summary, pain worse (referral)")
    sweep.finish()


def test_library_pages(page, live_server, alice, coach, protocol, disclaimer):
    """Two published protocols (one of timed holds), a draft and a retired one."""
    from tests.history_helpers import past_session
    from tests.library_helpers import make_protocol

    holds = make_protocol("holds", measure="seconds", reps=20)
    draft = make_protocol("draft", status=Protocol.Status.DRAFT)
    retired = make_protocol("retired", status=Protocol.Status.RETIRED)
    clear_safety_gate(alice)
    clear_safety_gate(coach)
    sweep = Sweep(page, "library")
    sweep.visit("/protocols/", "Protocols", "the list")
    sweep.visit("/", "cranky lower back", "landing, with two published")
    sweep.visit(holds.get_absolute_url(), holds.name, "a second protocol")
    sweep.visit(retired.get_absolute_url(), retired.name, "a retired protocol")
    sign_in(page, live_server, alice)
    sweep.visit(holds.get_start_url(), "Start a session", "start a chosen protocol")
    page.get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Start").click()
    sweep.check("Test move 1.1", "a timed hold")
    page.get_by_role("button", name="Start the hold: first side").click()
    sweep.check("Test move 1.1", "a timed hold, counting")
    sweep.visit(protocol.get_start_url(), "Your session is waiting", "start, another waiting")
    page.get_by_role("link", name="End it early").click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("How did it go?")
    past_session(alice, timezone.now() - timedelta(days=1))
    sweep.visit("/history/", "Your history", "history, two protocols")
    sweep.visit(f"/history/?protocol={holds.pk}", "Your history", "history, one protocol")
    sweep.visit("/history/?protocol=abc", "Your history", "history, a protocol not there")

    sign_in(page, live_server, coach)
    sweep.visit(draft.get_absolute_url(), draft.name, "a draft, for staff")
    preview = reverse("training_sessions:preview", args=[draft.slug])
    sweep.visit(preview, "Start a session", "a preview's start")
    page.get_by_role("button", name="Start").click()
    sweep.check("Test move 1.1", "a preview's step")
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Done").click()
    sweep.check("Rest", "a preview's rest")
    sweep.finish()


def test_history_pages(page, live_server, alice, bob, protocol, disclaimer):
    clear_safety_gate(bob)
    sign_in(page, live_server, bob)
    sweep = Sweep(page, "history")
    sweep.visit("/history/", "Your history", "history, empty")
    sweep.visit("/history/print/", "training record", "print, empty")
    page.context.clear_cookies()

    clear_safety_gate(alice)
    client = Client()
    client.force_login(alice)
    sessions = []
    for before, after in ((6, 4), (5, 2)):
        session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), before)
        tap_through(client, session)
        session.reflect(after, "Looser afterwards")
        sessions.append(session)
    sign_in(page, live_server, alice)
    sweep.visit("/history/", "Your history", "history")
    for summary in page.locator(".chart-table summary").all():
        summary.click()
    sweep.check("Your history", "history, chart tables open")
    sweep.visit(reverse("history:detail", args=[sessions[0].pk]), "Session of", "detail")
    sweep.visit(reverse("history:delete", args=[sessions[0].pk]), "Delete this session?", "delete")
    sweep.visit("/history/print/", "training record", "print")
    sweep.visit("/history/settings/", "Reminders, time zone and Guide me", "settings")
    sweep.finish()


def test_sharing_pages(page, live_server, alice, protocol, disclaimer):
    """The person's sharing page (empty, with errors, with links), a new link, and what a
    link opens (the record, and the 404 of a dead link), which tests/test_e2e_sharing.py
    walks as a journey."""
    from sessions.models import ShareLink
    from tests.history_helpers import past_session

    clear_safety_gate(alice)
    sign_in(page, live_server, alice)
    sweep = Sweep(page, "sharing")
    sweep.visit("/history/share/", "Share with a practitioner", "sharing, no links")
    page.get_by_role("button", name="Make the link").click()
    sweep.check("Share with a practitioner", "sharing, with errors")
    past_session(alice, timezone.now() - timedelta(days=1), pain_before=5, pain_after=3)
    page.get_by_role("region", name="A new link").get_by_label("Who is it for?").fill("GP")
    page.get_by_role("button", name="Make the link").click()
    sweep.check("Your link is ready", "a new link")
    url = page.get_by_role("textbox", name="The link").input_value()
    ShareLink.create_for(alice, label="old", display_name="A", days=7)[0].revoke()
    sweep.visit("/history/share/", "Share with a practitioner", "sharing, two links")
    sweep.visit(url, "Training record of", "shared record")
    sweep.visit("/shared/" + "x" * 43 + "/", "This link does not work", "shared, dead link")
    sweep.finish()
