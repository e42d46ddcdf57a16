"""Shared fixtures: personas, the seeded protocol, and a phone-sized real browser."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.models import (
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    User,
)
from protocols.models import Protocol

PHONE_VIEWPORT = {"width": 390, "height": 844}
# Flags that let Debian's chromium run offline, as root, without a GPU.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    """Fast hashing, and static files served from the source tree, as in development.

    Production serves what `collectstatic` built (hashed names, compressed);
    tests need not build it first.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """The disclaimer and referral link are cached; no test sees another's rows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def protocol(db) -> Protocol:
    """The protocol as `make run` seeds it."""
    call_command("seed_protocol", stdout=io.StringIO())
    return Protocol.objects.get(slug="lower-back-relief")


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice@example.com", PASSWORD, first_name="Alice")


@pytest.fixture
def bob(db) -> User:
    """Another user: everything of alice's must be a 404 for him."""
    return User.objects.create_user("bob@example.com", PASSWORD, first_name="Bob")


@pytest.fixture
def coach(db) -> User:
    """A staff superuser who edits the protocol in admin."""
    return User.objects.create_superuser("coach@example.com", PASSWORD)


# --- The safety gate (accounts) ----------------------------------------------


@pytest.fixture
def disclaimer(db) -> Disclaimer:
    """The current disclaimer, version 1 (a migration publishes it; transactional tests
    flush it away, so ask for this fixture rather than relying on the migration)."""
    disclaimer, _ = Disclaimer.objects.get_or_create(
        version=1,
        defaults={
            "text": "This is not medical advice. See a qualified provider if your pain is "
            "serious or getting worse.",
            "published": True,
        },
    )
    return disclaimer


def clear_safety_gate(user: User) -> None:
    """Let `user` through the gate: the current disclaimer confirmed, no red flags today."""
    current = Disclaimer.objects.current()
    if current is not None:
        DisclaimerAcknowledgement.objects.get_or_create(user=user, disclaimer=current)
    RedFlagScreening.objects.create(user=user, answers={flag.value: False for flag in RedFlag})


# --- Real browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    message = "Debian's chromium is not installed: `apt-get install chromium` (or `make browser`)."
    if os.environ.get("CI"):
        pytest.fail(f"In CI no browser test may be skipped. {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls (setting up data, checking results) are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh phone-sized tab (390 by 844, touch) pointed at the live server."""
    context = browser.new_context(
        viewport=PHONE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the current page and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
