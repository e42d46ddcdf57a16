"""Shared fixtures: personas, the seeded protocol, and a phone-sized real browser."""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import User
from protocols.models import Protocol
from safety.models import Disclaimer, DisclaimerAcknowledgement, RedFlag, RedFlagScreening

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

# Fuzzing profiles: `make test` runs a small, repeatable one; `make test-fast`
# a smaller one (HYPOTHESIS_PROFILE=quick), for the inner loop; `make audit-fuzz`
# a large, random one (HYPOTHESIS_PROFILE=audit). The fuzz tests reuse one
# database per test on purpose (every example must leave the invariants
# intact), hence the function-scoped fixtures are fine.
_FUZZ = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "database": None,
}
hypothesis_settings.register_profile("quick", max_examples=5, derandomize=True, **_FUZZ)
hypothesis_settings.register_profile("test", max_examples=25, derandomize=True, **_FUZZ)
hypothesis_settings.register_profile("audit", max_examples=250, **_FUZZ)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "test"))
FUZZ_CASES: dict = {"count": 0, "per_test": Counter()}
# Page -> (queries with no past sessions, queries with 5 000), filled by
# tests/test_query_budget.py and printed at the end of the run.
QUERY_COUNTS: dict[str, tuple[int, int]] = {}


def pytest_collection_modifyitems(items):
    """Under the large fuzzing profile the fuzz tests are slow ones too."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "audit":
        for item in items:
            if item.path.name.startswith("test_fuzz"):
                item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_CountsFromWorkers(), "backrelief-counts-from-workers")


def pytest_sessionfinish(session):
    """On a pytest-xdist worker: hand the counts to the controller, which prints them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzz_cases"] = {
            "count": FUZZ_CASES["count"],
            "per_test": dict(FUZZ_CASES["per_test"]),
        }
        output["query_counts"] = dict(QUERY_COUNTS)


class _CountsFromWorkers:
    """With `pytest -n`, the tests (and their counts) run in worker processes."""

    @staticmethod
    def pytest_testnodedown(node, error):
        output = getattr(node, "workeroutput", {})
        fuzz = output.get("fuzz_cases", {})
        FUZZ_CASES["count"] += fuzz.get("count", 0)
        FUZZ_CASES["per_test"].update(fuzz.get("per_test", {}))
        QUERY_COUNTS.update(
            {page: tuple(counts) for page, counts in output.get("query_counts", {}).items()}
        )


def pytest_terminal_summary(terminalreporter):
    if FUZZ_CASES["count"]:
        failed = any("test_fuzz" in r.nodeid for r in terminalreporter.stats.get("failed", []))
        outcome = "some failed: see above" if failed else "0 server errors"
        terminalreporter.write_line(f"fuzz: {FUZZ_CASES['count']} generated cases, {outcome}")
        if terminalreporter.verbosity > 0 or os.environ.get("HYPOTHESIS_PROFILE") == "audit":
            for test, count in sorted(FUZZ_CASES["per_test"].items()):
                terminalreporter.write_line(f"  {count:6}  {test}")
    if QUERY_COUNTS:
        width = max(len(page) for page in QUERY_COUNTS)
        terminalreporter.write_line(
            f"queries per page: {'page':{width}}  0 past sessions  5 000 past sessions"
        )
        for page, (none, many) in QUERY_COUNTS.items():
            terminalreporter.write_line(f"                  {page:{width}}  {none:15}  {many:19}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than in memory.

    Then requests on several threads share one database the way production
    does (WAL, immediate transactions), and the concurrency tests mean something.
    """
    from django.conf import settings

    folder = tmp_path_factory.mktemp("database")
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")
    if settings.CACHES["throttle"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES["throttle"]["LOCATION"] = str(folder / "throttle")


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
def _temporary_media_root(settings, tmp_path) -> Path:
    """Coaches' uploads go to a folder of the test's own, on the machine's disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    """Nothing cached (protocol notes, disclaimer, referral link, logins, throttle
    counts) leaks between tests."""
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


# --- The seeded protocol, once per test database ------------------------------
#
# `make run` seeds the protocol; so does the test database, once, as it is made.
# A test that changes the protocol changes it inside its own transaction,
# which rolls back. Transactional tests (live server, migrations, threads)
# commit, and Django flushes every table after them, so the protocol is seeded
# again after each one; those that do not ask for `protocol` start, as before,
# with no protocol at all.

SEED_SLUG = "lower-back-relief"
_TEST_DATABASE: dict = {"ready": False, "blocker": None}


def _seed_protocol() -> None:
    call_command("seed_protocol", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as the migrations leave it, with the protocol seeded."""
    with django_db_blocker.unblock():
        _seed_protocol()
    _TEST_DATABASE.update(ready=True, blocker=django_db_blocker)
    yield
    _TEST_DATABASE["ready"] = False  # the database goes next


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs `item` as a TransactionTestCase (as it decides itself)."""
    from pytest_django.fixtures import validate_django_db

    marker = item.get_closest_marker("django_db")
    if marker and validate_django_db(marker)[0]:
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    result = yield
    if (
        _TEST_DATABASE["ready"]
        and _is_transactional(item)
        and "protocol" not in getattr(item, "fixturenames", ())
    ):
        with _TEST_DATABASE["blocker"].unblock():
            Protocol.objects.all().delete()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if _TEST_DATABASE["ready"] and _is_transactional(item):
        from django.db import connections

        with _TEST_DATABASE["blocker"].unblock():
            _seed_protocol()
            connections.close_all()  # as the transactional test left them
    return result


@pytest.fixture
def protocol(db) -> Protocol:
    """The protocol as `make run` seeds it (seeded once, with the test database)."""
    return Protocol.objects.get(slug=SEED_SLUG)


@pytest.fixture
def no_protocol(db) -> None:
    """A database without any protocol (the deletion rolls back with the test)."""
    Protocol.objects.all().delete()


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
    """The current disclaimer, version 1, and no other.

    Migrations publish versions 1 and 2 (transactional tests flush them away);
    tests start from version 1 alone, so that they can publish the next one.
    Nobody has confirmed anything yet, so the later versions can go.
    """
    Disclaimer.objects.exclude(version=1).delete()
    disclaimer, _ = Disclaimer.objects.get_or_create(
        version=1,
        defaults={
            "text": "This is not medical advice. See a qualified provider if your pain is "
            "serious or getting worse.",
            "published": True,
        },
    )
    return disclaimer


@pytest.fixture
def signed_in(client, alice, disclaimer):
    """A test client signed in as alice, through the safety gate."""
    clear_safety_gate(alice)
    client.force_login(alice)
    return client


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
        # No transitions: axe then audits the colours a person settles on,
        # not a button caught halfway through its hover fade.
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """Run axe-core on the current page: one line per violation and element."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{violation['id']}: {node['target']} {node.get('failureSummary', '')}"
        for violation in violations
        for node in violation["nodes"]
    ]


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"


# --- Guided sessions -----------------------------------------------------------


def step_fields(session) -> dict:
    """What the current step's Done button posts."""
    step = session.current_step
    return {
        "step": step.number,
        "circuit": step.circuit_number,
        "round": step.round_number,
        "exercise": step.exercise_slug,
    }


def session_url(name: str, session) -> str:
    """A guided session's URL by its name in `training_sessions`: "session", "end", …"""
    from django.urls import reverse

    return reverse(f"training_sessions:{name}", args=[session.pk])


def tap_through(client, session, steps: int | None = None) -> None:
    """Tap Done (and skip each rest) for `steps` steps, or to the end."""
    from django.urls import reverse

    remaining = session.total_steps - session.steps_done if steps is None else steps
    for _ in range(remaining):
        session.refresh_from_db()
        if session.resting:
            client.post(
                reverse("training_sessions:end_rest", args=[session.pk]),
                {"after_step": session.steps_done},
            )
            session.refresh_from_db()
        client.post(
            reverse("training_sessions:complete_step", args=[session.pk]), step_fields(session)
        )
    session.refresh_from_db()


@pytest.fixture
def alice_session(alice, protocol):
    from sessions.models import TrainingSession

    return TrainingSession.start(alice, Protocol.objects.with_exercises().get(), pain_before=4)


def sign_in(page, live_server, user) -> None:
    """Give the browser tab a signed-in session cookie for `user`."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


# --- Migration tests -----------------------------------------------------------


def migrate(targets: list[tuple[str, str]]):
    """Migrate the test database to `targets`; the apps as they were there."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    """For a migration test: the next test finds the database as the latest migrations leave it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Settings in a fresh interpreter ----------------------------------------

PROJECT = Path(__file__).resolve().parent.parent


def fresh_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code`, which imports backrelief.settings, in a new interpreter.

    Our own variables (DJANGO_*, DATABASE_*, REDIS_*) come only from `env`, so the
    settings module reads them as a freshly started app would.
    """
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


# --- Benchmarks --------------------------------------------------------------


@pytest.fixture
def bench_database_url():
    """A new, empty database on the suite's PostgreSQL server; None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg
    from psycopg import sql

    server = urlsplit(url)
    maintenance = server._replace(path="/postgres").geturl()
    name = f"integrity_{secrets.token_hex(4)}"
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# --- Server errors mailed to the admins -----------------------------------------


@pytest.fixture
def error_mail(settings):
    """ADMINS set and DEBUG off, as in production: a server error mails them.

    The `django` logger gets its mail handler only when ADMINS is set as the
    settings load, so the handler is attached here for the test's length.
    The handler includes the HTML report too, which lists every frame's local
    variables. Returns a client that answers a server error with the 500 page.
    """
    import logging

    from django.test import Client
    from django.utils.log import AdminEmailHandler

    settings.DEBUG = False
    settings.ADMINS = [("Admin", "admin@example.com")]
    handler = AdminEmailHandler(include_html=True)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield Client(raise_request_exception=False)
    logger.removeHandler(handler)


def error_mail_texts() -> list[str]:
    """Each mail Django sent the admins about a server error: its text and HTML parts."""
    from django.core import mail

    return [
        "\n".join([message.body, *(content for content, _ in message.alternatives)])
        for message in mail.outbox
        if message.to == ["admin@example.com"]
    ]


# --- Sign-up by email ---------------------------------------------------------------


def signup_link_from_outbox() -> str:
    """The path (and query) of the latest sign-up link in django.core.mail.outbox.

    The live server runs in the test's process, so browser tests read it here too.
    """
    import re

    from django.core import mail

    for message in reversed(mail.outbox):
        found = re.search(r"https?://[^/\s]+(/account/signup/\S+)", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no sign-up link was mailed")


def signup_link_for(email: str, next_url: str = "") -> str:
    """A sign-up link as the mail would carry it, made without asking for one."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from accounts.forms import signup_token

    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return reverse("accounts:signup_complete", args=[signup_token(email)]) + query
