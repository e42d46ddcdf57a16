"""Concurrency and integrity: whole sessions, double taps, stale replays, a server that dies.

    python bench/integrity.py                               # SQLite (WAL)
    python bench/integrity.py --database-url postgres://…   # PostgreSQL (an empty database)
    python bench/integrity.py --postgresql                  # a throwaway PostgreSQL 15 (as root)

Starts gunicorn on a loopback port with production settings (DEBUG off) on a
throwaway database, signs in --users people who have passed the safety gate,
and runs them all at once through a whole session over HTTP, the way a phone
does: read each screen's form (CSRF token, hidden fields) from the HTML the
server sends and post it back. About a third of the Done and Continue taps
are doubled (both at once, or back to back), and now and then an earlier
form is posted again after moving on (the back button, a late retry).

Meanwhile gunicorn goes down and comes back on the same database and port
(--restarts; SIGKILL to the master and all its workers first, then SIGTERM,
alternately). While it is down the database must hold every step and round
anyone has been shown as done. After, each person goes to /session/, then to
their session, must find it where they left it (or one step on, if their
last tap reached the database before the server died), sends again the tap
that got no answer, and carries on to the end.

At the end the database must hold one finished session per person with
exactly its rounds (9: no duplicate, none skipped), and the run must have
seen no 5xx and no other error. Connection errors while the server is down
are counted apart and retried. Prints a summary and PASS or FAIL; exits 1 on FAIL.
Budget (docs/benchmarks.md): 0 errors, 0 lost or duplicated rounds, SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Gunicorn,
    add_database_arguments,
    bench_environment,
    chosen_database,
    manage,
    person_through_the_gate,
)

NOT_STARTED = -1
SESSION_URL = re.compile(r"^/session/(\d+)/$")
ROUNDS_DONE = re.compile(r"<dt>Rounds done</dt><dd>(\d+) of (\d+)")


class Failure(Exception):
    """Something a person saw that must not happen; it ends their run."""


class Unreachable(Exception):
    """No answer from the server: connection refused, reset or timed out."""


# --- Reading pages -----------------------------------------------------------------


@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio buttons


class PageParser(HTMLParser):
    """The POST forms (hidden inputs, radio choices) and the links of a page."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self._form = Form(action=attributes.get("action") or self.url)
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attributes.get("name"):
            kind = attributes.get("type", "text").lower()
            if kind == "hidden":
                self._form.hidden[attributes["name"]] = attributes.get("value", "")
            elif kind == "radio":
                self._form.choices.setdefault(attributes["name"], []).append(attributes["value"])
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


@dataclass
class Screen:
    """What a page of a session says about where the person is.

    `position` orders a session's screens: step n is 2(n - 1), the rest after
    step n is 2n - 1, the end (finish or summary page) is 2 * steps. The
    database's (steps_done, resting) maps onto the same scale.
    """

    kind: str  # "start", "waiting" (a session to resume), "step", "rest", "finish", "summary"
    url: str
    position: int | None
    form: Form | None
    links: list[str]
    body: str


def read_screen(url: str, body: str, total_steps: int) -> Screen:
    parser = PageParser(url)
    parser.feed(body)

    def form_to(suffix: str) -> Form | None:
        return next((form for form in parser.forms if form.action.endswith(suffix)), None)

    def screen(kind: str, position: int | None, form: Form | None = None) -> Screen:
        return Screen(kind, url, position, form, parser.links, body)

    if form := form_to("/step/"):
        return screen("step", 2 * (int(form.hidden["step"]) - 1), form)
    if form := form_to("/rest/"):
        return screen("rest", 2 * int(form.hidden["after_step"]) - 1, form)
    path = urlsplit(url).path
    end = 2 * total_steps
    if path.endswith("/finish/"):
        return screen("finish", end, next(f for f in parser.forms if "pain_after" in f.choices))
    if path.endswith("/summary/"):
        return screen("summary", end)
    if path == "/session/":
        start = next((f for f in parser.forms if "pain_before" in f.choices), None)
        return screen("start", None, start) if start else screen("waiting", None)
    raise Failure(f"an unexpected page: {url}")


def describe(position: int, total_steps: int) -> str:
    if position == NOT_STARTED:
        return "not started"
    if position >= 2 * total_steps:
        return "the end"
    if position % 2:
        return f"the rest after step {(position + 1) // 2}"
    return f"step {position // 2 + 1}"


# --- The run: shared counts, the restarts, and an HTTP client per person ------------


@dataclass
class Restart:
    kind: str  # "SIGKILL" or "SIGTERM"
    generation: int
    down_at: float
    up_at: float | None = None
    in_progress: set[str] = field(default_factory=set)  # emails with a session in progress


class Run:
    def __init__(self, args: argparse.Namespace, port: int, total_steps: int) -> None:
        self.port = port
        self.total_steps = total_steps
        self.request_timeout = args.request_timeout
        self.double_tap_rate = args.double_tap_rate
        self.stale_rate = args.stale_rate
        self.think = args.think_ms / 1000
        self.seed = args.seed
        self.deadline = time.monotonic() + args.time_limit
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.restarts: list[Restart] = []
        self.generation = 0  # moves on each time the server goes down

    def count(self, name: str, amount: int = 1) -> None:
        with self.lock:
            self.counts[name] += amount

    def error(self, message: str) -> None:
        with self.lock:
            self.counts["errors"] += 1
            self.errors.append(message)

    def answered(self, seconds: float, status: int, what: str) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if status >= 500:
                self.counts["5xx"] += 1
                self.errors.append(f"{what}: {status}")

    def no_answer(self, started: float, what: str) -> None:
        """A connection error: expected if the server was down (or going down) meanwhile."""
        failed = time.monotonic()
        with self.lock:
            expected = any(
                restart.down_at <= failed and (restart.up_at is None or started <= restart.up_at)
                for restart in self.restarts
            )
            if expected:
                self.counts["connection errors"] += 1
            else:
                self.counts["errors"] += 1
                self.errors.append(f"{what}: no answer while the server was up")

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline


@dataclass
class Response:
    status: int
    location: str | None
    body: str


class Browser:
    """One person's phone: their cookies, one new connection per request."""

    def __init__(self, run: Run, cookies: dict[str, str]) -> None:
        self.run = run
        self.cookies = dict(cookies)
        self.lock = threading.Lock()  # a double tap sends from two threads

    def request(self, method: str, url: str, fields: dict[str, str] | None = None) -> Response:
        with self.lock:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.run.count("requests")
        started = time.monotonic()
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.run.port, timeout=self.run.request_timeout
        )
        try:
            connection.request(method, url, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.run.no_answer(started, f"{method} {url}: {error!r}")
            raise Unreachable(f"{method} {url}: {error!r}") from error
        finally:
            connection.close()
        self.run.answered(time.monotonic() - started, answer.status, f"{method} {url}")
        self._keep(answer.headers.get_all("Set-Cookie") or [])
        location = answer.getheader("Location")
        if location:
            parts = urlsplit(location)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
        return Response(answer.status, location, text)

    def _keep(self, set_cookies: list[str]) -> None:
        with self.lock:
            for header in set_cookies:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value


# --- A person ------------------------------------------------------------------------


class Person:
    """Signs in, starts a session, taps through it as a phone would, and finishes it."""

    def __init__(self, run: Run, index: int, email: str, cookies: dict[str, str]) -> None:
        self.run = run
        self.index = index
        self.email = email
        self.browser = Browser(run, cookies)
        self.rng = random.Random(f"{run.seed}-{index}")
        self.pain_before = self.rng.randint(0, 6)  # 7 and up asks the red-flag questions first
        self.pain_after = self.rng.randint(0, 6)
        self.end = 2 * run.total_steps
        self.session_url: str | None = None
        # What the server has shown this person (a screen's position), and the
        # furthest any tap they sent could move the session.
        self.confirmed = NOT_STARTED
        self.attempted = NOT_STARTED
        self.posted: list[Form] = []  # Done and Continue forms sent, for stale replays
        self.in_flight: Form | None = None
        self.generation = 0
        self.resumed: list[int] = []  # the generation of each resume
        self.finished = False
        self.stopped = False  # finished, or gave up on an error

    def __call__(self) -> None:
        try:
            self._train()
        except Failure as failure:
            self.run.error(f"{self.email}: {failure}")
        except Exception:
            self.run.error(f"{self.email}: {traceback.format_exc()}")
        finally:
            self.stopped = True

    def _train(self) -> None:
        screen: Screen | None = None
        interrupted: Form | None = None
        lost_connection = False
        while not self.finished:
            if self.run.out_of_time():
                raise Failure(f"out of time at {describe(self.confirmed, self.run.total_steps)}")
            time.sleep(self.rng.uniform(0, self.run.think))
            try:
                if lost_connection or self.generation < self.run.generation:
                    screen = self._resume(interrupted)
                    interrupted, lost_connection = None, False
                if screen is None:
                    screen = self._start()
                elif screen.kind == "step":
                    screen = self._done(screen)
                elif screen.kind == "rest":
                    screen = self._continue(screen)
                else:
                    self._reflect(screen)
            except Unreachable:
                interrupted, self.in_flight, lost_connection = self.in_flight, None, True
                self._wait_for_server()

    # The screens.

    def _start(self) -> Screen:
        page = self._get("/session/")
        if page.kind == "waiting":  # the start went through, its answer did not
            return self._adopt(page)
        if page.kind != "start" or page.form is None:
            raise Failure(f"/session/ showed {page.kind}, not the start form")
        fields = page.form.hidden | {"pain_before": str(self.pain_before)}
        self.attempted = max(self.attempted, 0)
        responses = self._tap(page.form.action, fields, "start")
        locations = {response.location for response in responses}
        if len(locations) != 1 or not SESSION_URL.match(next(iter(locations)) or ""):
            raise Failure(f"starting led to {sorted(map(str, locations))}, not one session")
        self.session_url = locations.pop()
        return self._get(self.session_url)

    def _done(self, screen: Screen) -> Screen:
        if self.posted and self.rng.random() < self.run.stale_rate:
            self._replay_stale(screen)
        number = int(screen.form.hidden["step"])
        self.attempted = max(self.attempted, 2 * number)
        responses = self._tap(screen.form.action, screen.form.hidden, "Done", screen.form)
        after = self._get(responses[-1].location)
        if after.position not in (2 * number - 1, 2 * number):
            raise Failure(
                f"Done on step {number} led to {describe(after.position, self.run.total_steps)}"
            )
        return after

    def _continue(self, screen: Screen) -> Screen:
        if self.posted and self.rng.random() < self.run.stale_rate:
            self._replay_stale(screen)
        after_step = int(screen.form.hidden["after_step"])
        self.attempted = max(self.attempted, 2 * after_step)
        responses = self._tap(screen.form.action, screen.form.hidden, "Continue", screen.form)
        after = self._get(responses[-1].location)
        if after.position != 2 * after_step:
            raise Failure(
                f"Continue after step {after_step} led to "
                f"{describe(after.position, self.run.total_steps)}"
            )
        return after

    def _reflect(self, screen: Screen) -> None:
        if self.posted and self.rng.random() < self.run.stale_rate:
            self._replay_stale(screen)
        if screen.kind != "finish":
            screen = self._get(self.session_url + "finish/")
        fields = screen.form.hidden | {
            "pain_after": str(self.pain_after),
            "notes": f"bench person {self.index}",
        }
        response = self._post(screen.form.action, fields)
        summary = self._get(response.location)
        if summary.kind != "summary":
            raise Failure(f"the finish form led to {summary.url}")
        rounds = ROUNDS_DONE.search(summary.body)
        if not rounds or rounds.group(1) != rounds.group(2):
            raise Failure(f"the summary says {rounds.group(0) if rounds else 'no rounds'}")
        self.finished = True

    # Taps, replays, and coming back after the server went away.

    def _tap(self, url: str, fields: dict, button: str, form: Form | None = None) -> list[Response]:
        """Tap a button once, or twice (at the same moment, or one right after the other)."""
        self.in_flight = form
        roll = self.rng.random()
        if roll >= self.run.double_tap_rate:
            responses = [self._post(url, fields)]
        elif roll < self.run.double_tap_rate / 2:
            self.run.count(f"double taps: {button}")
            responses = self._post_together(url, fields)
        else:
            self.run.count(f"double taps: {button}")
            responses = [self._post(url, fields), self._post(url, fields)]
        if form is not None:
            self.posted.append(form)
        self.in_flight = None
        return responses

    def _post_together(self, url: str, fields: dict) -> list[Response]:
        barrier = threading.Barrier(2)
        twin: dict = {}

        def second_thumb() -> None:
            try:
                barrier.wait()
                twin["response"] = self._post(url, fields)
            except (Unreachable, Failure) as error:
                twin["error"] = error

        thread = threading.Thread(target=second_thumb, daemon=True)
        thread.start()
        barrier.wait()
        try:
            first = self._post(url, fields)
        finally:
            thread.join(self.run.request_timeout + 5)
        if "error" in twin:
            raise twin["error"]
        return [first, twin["response"]]

    def _replay_stale(self, screen: Screen) -> None:
        """Post an earlier form again: nothing may move, and the answer is where we are."""
        form = self.rng.choice(self.posted)
        self.run.count("stale replays")
        response = self._post(form.action, form.hidden)
        if response.location != self.session_url:
            raise Failure(f"a stale {form.action} led to {response.location}")
        now = self._get(response.location)
        if now.position != screen.position:
            raise Failure(
                f"a stale {form.action} {form.hidden} moved the session from "
                f"{describe(screen.position, self.run.total_steps)} to "
                f"{describe(now.position, self.run.total_steps)}"
            )

    def _wait_for_server(self) -> None:
        """Like a phone with no signal: try again every moment until the server answers."""
        while not self.run.out_of_time():
            try:
                socket.create_connection(("127.0.0.1", self.run.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)

    def _resume(self, interrupted: Form | None) -> Screen | None:
        """/session/, then one's own session: where one left it, or one tap further."""
        generation = self.run.generation
        page = self._get("/session/")
        if page.kind == "waiting":
            link = self._session_link(page)
            if self.session_url is None:
                return self._adopt(page)
            if link != self.session_url:
                raise Failure(f"/session/ offers {link} to resume, not {self.session_url}")
        elif self.session_url is None:
            self.generation = generation
            return None  # not started yet: start
        screen = self._get(self.session_url)
        if page.kind == "start" and screen.position != self.end:
            raise Failure(f"/session/ offers no session to resume, but {screen.url} is unfinished")
        if not self.confirmed <= screen.position <= self.attempted:
            raise Failure(
                f"resumed at {describe(screen.position, self.run.total_steps)}, having been "
                f"shown {describe(self.confirmed, self.run.total_steps)} and tapped at most as "
                f"far as {describe(self.attempted, self.run.total_steps)}"
            )
        self.run.count("resumes")
        self.resumed.append(generation)
        self.generation = generation
        if interrupted is not None:
            # The tap that got no answer, sent again: if it arrived before the
            # server died it is stale now, and changes nothing.
            self.run.count("taps sent again")
            response = self._post(interrupted.action, interrupted.hidden)
            screen = self._get(response.location)
        return screen

    def _adopt(self, page: Screen) -> Screen:
        self.session_url = self._session_link(page)
        return self._get(self.session_url)

    def _session_link(self, page: Screen) -> str:
        links = [link for link in page.links if SESSION_URL.match(link)]
        if not links:
            raise Failure("/session/ shows a session to resume but no link to it")
        return links[0]

    # HTTP with the checks every answer gets.

    def _post(self, url: str, fields: dict) -> Response:
        response = self.browser.request("POST", url, fields)
        if response.status != 302 or not response.location:
            raise Failure(f"POST {url} answered {response.status}, not a redirect")
        return response

    def _get(self, url: str) -> Screen:
        for _ in range(5):
            response = self.browser.request("GET", url)
            if response.status == 302 and response.location:
                url = response.location
                continue
            if response.status != 200:
                raise Failure(f"GET {url} answered {response.status}")
            screen = read_screen(url, response.body, self.run.total_steps)
            if screen.position is not None:
                if screen.position < self.confirmed:
                    raise Failure(
                        f"{url} went back to {describe(screen.position, self.run.total_steps)} "
                        f"from {describe(self.confirmed, self.run.total_steps)}"
                    )
                self.confirmed = screen.position
            return screen
        raise Failure(f"too many redirects from {url}")


# --- The database, read directly ---------------------------------------------------


def prepare(people: int) -> tuple[list[tuple[str, dict[str, str]]], int, int]:
    """People through the safety gate and signed in, as (email, cookies); steps and rounds."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from protocols.models import Protocol

    signed_in = []
    for index in range(people):
        user, cookie = person_through_the_gate(f"integrity{index}@example.com")
        signed_in.append((user.email, {settings.SESSION_COOKIE_NAME: cookie}))
    steps = Protocol.objects.with_exercises().get().steps()
    connection.close()
    return signed_in, len(steps), sum(step.ends_round for step in steps)


@dataclass
class SessionRecord:
    email: str
    position: int
    status: str
    rounds: list[tuple[int, int]]  # (circuit number, round number), in the order recorded
    expected_rounds: list[tuple[int, int]]  # the rounds that the steps done so far complete
    pain_after: int | None


def read_sessions(total_steps: int) -> list[SessionRecord]:
    from django.db import connection

    from sessions.models import TrainingSession

    records = []
    sessions = TrainingSession.objects.select_related("user").prefetch_related("rounds")
    for session in sessions.order_by("pk"):
        finished = session.status == TrainingSession.Status.FINISHED
        records.append(
            SessionRecord(
                email=session.user.email,
                position=2 * total_steps if finished else 2 * session.steps_done - session.resting,
                status=session.status,
                rounds=[(r.circuit_number, r.round_number) for r in session.rounds.all()],
                expected_rounds=[
                    (entry["circuit_number"], entry["round"])
                    for entry in session.plan[: session.steps_done]
                    if entry["ends_round"]
                ],
                pain_after=session.pain_after,
            )
        )
    connection.close()
    return records


def round_problems(record: SessionRecord) -> list[str]:
    problems = []
    duplicates = [pair for pair, times in Counter(record.rounds).items() if times > 1]
    missing = sorted(set(record.expected_rounds) - set(record.rounds))
    extra = sorted(set(record.rounds) - set(record.expected_rounds))
    if duplicates:
        problems.append(f"{record.email}: rounds recorded twice {duplicates}")
    if missing:
        problems.append(f"{record.email}: rounds done but not recorded {missing}")
    if extra:
        problems.append(f"{record.email}: rounds recorded but not done {extra}")
    return problems


def check_while_down(run: Run, restart: Restart, people: list[Person]) -> None:
    """With the server down: every round done is recorded, nothing anyone saw is lost."""
    by_email = {person.email: person for person in people}
    for record in read_sessions(run.total_steps):
        for problem in round_problems(record):
            run.error(f"while down after {restart.kind}: {problem}")
        person = by_email[record.email]
        if record.position < person.confirmed:
            run.error(
                f"while down after {restart.kind}: {record.email} had been shown "
                f"{describe(person.confirmed, run.total_steps)}, the database holds "
                f"{describe(record.position, run.total_steps)}"
            )
        if record.status == "in_progress":
            restart.in_progress.add(record.email)


def restart_midway(run: Run, server: Gunicorn, people: list[Person], restarts: int) -> None:
    """Take the server down at even shares of everyone's progress, and bring it back."""
    full = len(people) * 2 * run.total_steps
    for number in range(1, restarts + 1):
        while sum(max(0, p.confirmed) for p in people) < full * number / (restarts + 1):
            if run.out_of_time() or all(p.stopped for p in people):
                return
            time.sleep(0.01)
        restart = Restart("SIGKILL" if number % 2 else "SIGTERM", number, time.monotonic())
        with run.lock:
            run.restarts.append(restart)
            run.generation = number
        if restart.kind == "SIGKILL":
            server.kill()
        else:
            server.stop()
        check_while_down(run, restart, people)
        server.start()
        restart.up_at = time.monotonic()


def check_at_the_end(run: Run, people: list[Person], total_rounds: int) -> dict:
    records = read_sessions(run.total_steps)
    per_person = Counter(record.email for record in records)
    for person in people:
        if per_person[person.email] != 1:
            run.error(f"{person.email}: {per_person[person.email]} sessions, not 1")
    for record in records:
        for problem in round_problems(record):
            run.error(problem)
        if record.status != "finished":
            run.error(f"{record.email}: session {record.status}, not finished")
        pain = next(p.pain_after for p in people if p.email == record.email)
        if record.status == "finished" and record.pain_after != pain:
            run.error(f"{record.email}: pain after {record.pain_after}, sent {pain}")
    for restart in run.restarts:
        for person in people:
            if person.email in restart.in_progress and not any(
                generation >= restart.generation for generation in person.resumed
            ):
                run.error(f"{person.email} did not resume after the {restart.kind}")
    rounds = [len(record.rounds) for record in records]
    return {
        "sessions": len(records),
        "finished": sum(record.status == "finished" for record in records),
        "rounds": sum(rounds),
        "rounds_min": min(rounds, default=0),
        "rounds_max": max(rounds, default=0),
        "rounds_expected": total_rounds,
        "duplicates": sum(len(r.rounds) - len(set(r.rounds)) for r in records),
        "skipped": sum(len(set(r.expected_rounds) - set(r.rounds)) for r in records),
    }


def server_log_errors(log: Path) -> list[str]:
    """Tracebacks and 'Internal Server Error' lines in gunicorn's and Django's log."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if "Traceback" in line or "Internal Server Error" in line]


# --- Putting it together -----------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run_benchmark(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="backrelief-integrity-") as workdir:
        env = bench_environment(Path(workdir), args.database_url)
        setup_started = time.monotonic()
        manage(env, "collectstatic", "--no-input")
        manage(env, "migrate", "--no-input")
        manage(env, "seed_protocol")
        os.environ.update(env)
        signed_in, total_steps, total_rounds = prepare(args.users)
        log = Path(workdir) / "gunicorn.log"
        server = Gunicorn(env, log, workers=args.workers, threads=args.threads)
        server.start()
        setup_seconds = time.monotonic() - setup_started
        run = Run(args, server.port, total_steps)
        people = [
            Person(run, index, email, cookies) for index, (email, cookies) in enumerate(signed_in)
        ]
        started = time.monotonic()
        try:
            threads = [threading.Thread(target=person, daemon=True) for person in people]
            for thread in threads:
                thread.start()
            restart_midway(run, server, people, args.restarts)
            for thread in threads:
                thread.join(max(0.1, run.deadline - time.monotonic()))
            seconds = time.monotonic() - started
        finally:
            server.stop()
        if len(run.restarts) < args.restarts:
            run.error(f"only {len(run.restarts)} of {args.restarts} restarts happened")
        unfinished = [person.email for person in people if not person.finished]
        if unfinished:
            run.error(f"{len(unfinished)} people did not finish: {unfinished[:5]}")
        database = check_at_the_end(run, people, total_rounds)
        for line in server_log_errors(log):
            run.error(f"server log: {line}")
        if run.errors:
            sys.stderr.write(server.log_tail(60) + "\n")

    counts = run.counts
    return {
        "database": "PostgreSQL" if args.database_url else "SQLite (WAL)",
        "users": args.users,
        "workers": args.workers,
        "threads": args.threads,
        "requests": counts["requests"],
        "p50_ms": percentile(run.latencies, 0.5) * 1000,
        "p95_ms": percentile(run.latencies, 0.95) * 1000,
        "double_taps": {
            button: counts[f"double taps: {button}"] for button in ("Done", "Continue", "start")
        },
        "stale_replays": counts["stale replays"],
        "restarts": [
            {"kind": restart.kind, "in_progress": len(restart.in_progress)}
            for restart in run.restarts
        ],
        "connection_errors": counts["connection errors"],
        "taps_sent_again": counts["taps sent again"],
        "resumes": counts["resumes"],
        "server_errors": counts["5xx"],
        "errors": counts["errors"],
        "error_messages": run.errors[:50],
        **database,
        "setup_seconds": setup_seconds,
        "seconds": seconds,
        "passed": not run.errors and database["finished"] == args.users,
    }


def print_summary(result: dict) -> None:
    taps = result["double_taps"]
    restarts = ", ".join(
        f"{r['kind']} with {r['in_progress']} sessions in progress" for r in result["restarts"]
    )
    lines = [
        (
            "users",
            f"{result['users']} on {result['database']}, gunicorn {result['workers']} "
            f"workers x {result['threads']} threads",
        ),
        (
            "requests",
            f"{result['requests']} (p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms)",
        ),
        (
            "double taps",
            f"{sum(taps.values())} (Done {taps['Done']}, Continue {taps['Continue']}, "
            f"start {taps['start']})",
        ),
        ("stale replays", result["stale_replays"]),
        ("restarts", f"{len(result['restarts'])} ({restarts or 'none'})"),
        (
            "connection errors",
            f"{result['connection_errors']} while the server was down (retried); "
            f"{result['taps_sent_again']} taps sent again, {result['resumes']} resumes checked",
        ),
        ("5xx", result["server_errors"]),
        ("errors", result["errors"]),
        ("sessions finished", f"{result['finished']} of {result['users']}"),
        (
            "rounds per session",
            f"min {result['rounds_min']}, max {result['rounds_max']} "
            f"(of {result['rounds_expected']}; {result['rounds']} rows, "
            f"{result['duplicates']} duplicated, {result['skipped']} skipped)",
        ),
        ("time", f"{result['seconds']:.1f} s (setup {result['setup_seconds']:.1f} s)"),
    ]
    for message in result["error_messages"]:
        print(f"error: {message}")
    for name, value in lines:
        print(f"{name:<20}{value}")
    print("PASS" if result["passed"] else "FAIL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--restarts", type=int, default=2, help="SIGKILL, SIGTERM, SIGKILL…")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--double-tap-rate", type=float, default=1 / 3)
    parser.add_argument("--stale-rate", type=float, default=0.15)
    parser.add_argument("--think-ms", type=float, default=20, help="up to this between taps")
    parser.add_argument("--request-timeout", type=float, default=30)
    parser.add_argument("--time-limit", type=float, default=300, help="seconds for the run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with chosen_database(args) as database_url:
        args.database_url = database_url
        result = run_benchmark(args)
    print_summary(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
