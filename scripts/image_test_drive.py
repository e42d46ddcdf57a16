"""One person through two replicas of the image behind HAProxy: what `make image-test` checks.

scripts/image-test.sh starts PostgreSQL, Redis, the release step, two
replicas of the image and HAProxy, then runs this on the machine (standard
library only, plus psycopg to read the database at the end):

    python scripts/image_test_drive.py --balancer PORT --replica r1=PORT --replica r2=PORT \
        --logs DIR --database-url postgres://… --kill-pid-of r1

Over HTTP, as a phone would (forms read from the HTML, CSRF tokens posted back):
sign-up (the link read from the replica's mail on stdout), the disclaimer
and the safety questions, then a whole session with double taps (both at
once, or back to back). Every answer says which replica gave it (HAProxy
adds X-Served-By); both must have served this person. On the way:

- a logout sent to one replica directly is honoured by the other at once
  (the old cookie is refused there), then the person logs in again;
- the sign-up limit per client counts across both replicas (Redis);
- one replica is killed with SIGKILL mid-session (its gunicorn master and
  workers), and the person finishes through the other.

At the end the database must hold one finished session with exactly 9 rounds,
and no answer may have been a 5xx. Prints what it saw and PASS, or FAIL and
exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PASSWORD = "a long and unguessable passphrase 31"  # noqa: S105 (a throwaway account)
ROUNDS_DONE = re.compile(r"<dt>Rounds done</dt><dd>(\d+) of (\d+)")
SIGNUP_LINK = re.compile(r"https?://[^\s/]+(/account/signup/[^\s/?]+/(?:\?\S*)?)")


class Failure(Exception):
    pass


@dataclass
class Form:
    action: str
    values: dict[str, str] = field(default_factory=dict)  # hidden inputs
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # text, email, password, textarea


class Forms(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=a.get("action") or self.url)
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea"} and a.get("name"):
            kind = a.get("type", "text").lower() if tag == "input" else "textarea"
            if kind == "hidden":
                self._form.values[a["name"]] = a.get("value", "")
            elif kind == "radio":
                self._form.radios.setdefault(a["name"], []).append(a.get("value", ""))
            elif kind == "checkbox":
                self._form.checkboxes.append(a["name"])
            elif kind not in {"submit", "button"}:
                self._form.fields.append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_of(url: str, body: str) -> list[Form]:
    parser = Forms(url)
    parser.feed(body)
    return parser.forms


@dataclass
class Answer:
    status: int
    location: str | None
    body: str
    replica: str


class Phone:
    """One person's cookies; requests through the balancer unless a port is given."""

    def __init__(self, balancer: int, deadline: float, names: dict[int, str]) -> None:
        self.balancer = balancer
        self.names = names  # port: replica, for requests sent to one directly
        self.deadline = deadline
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()
        self.served: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.server_errors: list[str] = []
        self.no_answer = 0
        self.replica_killed = False
        self.lost_with_the_replica: list[str] = []

    def request(self, method, path, fields=None, port=None, cookies=None) -> Answer:
        if time.monotonic() > self.deadline:
            raise Failure("out of time")
        jar = self.cookies if cookies is None else cookies
        with self.lock:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            connection = http.client.HTTPConnection("127.0.0.1", port or self.balancer, timeout=20)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    self.no_answer += 1
                if attempt == 2:
                    raise Failure(f"{method} {path}: no answer ({error!r})") from error
                time.sleep(0.5)
            finally:
                connection.close()
        replica = response.getheader("X-Served-By") or self.names.get(port, str(port))
        lost = response.status in (502, 503) and self.replica_killed and port is None
        with self.lock:
            self.served[replica] += 1
            self.statuses[response.status] += 1
            if lost:
                # The balancer's answer for a request the killed replica took
                # with it: a phone shows an error, the person taps again.
                self.lost_with_the_replica.append(f"{method} {path}: {response.status}")
            elif response.status >= 500:
                self.server_errors.append(f"{method} {path}: {response.status} from {replica}")
            if cookies is None:
                self._keep(response.headers.get_all("Set-Cookie") or [])
        if lost:
            time.sleep(0.5)
            return self.request(method, path, fields, port, cookies)
        location = response.getheader("Location")
        if location:
            parts = urlsplit(location)
            location = parts.path + (f"?{parts.query}" if parts.query else "")
        return Answer(response.status, location, text, replica)

    def _keep(self, set_cookies):
        for header in set_cookies:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs) -> tuple[str, Answer]:
        """GET, following redirects; the final path and answer (which must be a 200)."""
        for _ in range(8):
            answer = self.request("GET", path, **kwargs)
            if answer.status in (301, 302, 303) and answer.location:
                path = answer.location
                continue
            if answer.status != 200:
                raise Failure(f"GET {path} answered {answer.status}")
            return path, answer
        raise Failure(f"too many redirects from {path}")

    def post(self, form: Form, **fields: str) -> Answer:
        answer = self.request("POST", form.action, form.values | fields)
        if answer.status != 302 or not answer.location:
            raise Failure(f"POST {form.action} answered {answer.status}, not a redirect")
        return answer


def one_form(path: str, answer: Answer, ending: str = "") -> Form:
    forms = [f for f in forms_of(path, answer.body) if urlsplit(f.action).path.endswith(ending)]
    if not forms:
        raise Failure(f"no form ending {ending!r} on {path}")
    return forms[0]


# --- The journey -----------------------------------------------------------------------


def sign_up(phone: Phone, email: str, logs: Path) -> str:
    path, page = phone.get("/account/signup/")
    answer = phone.post(one_form(path, page, "/account/signup/"), email=email)
    if not answer.location.startswith("/account/signup/sent/"):
        raise Failure(f"sign-up led to {answer.location}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the mail, printed by whichever replica sent it
        for log in logs.glob("replica-*.log"):
            text = log.read_text(errors="replace").replace("=\n", "")
            if email in text and (links := SIGNUP_LINK.findall(text)):
                return links[-1].replace("=3D", "=")
        time.sleep(0.2)
    raise Failure("no sign-up mail in the replicas' logs")


def through_the_gate(phone: Phone, path: str, answer: Answer) -> str:
    """Disclaimer and safety questions, as they come; returns where the person lands."""
    for _ in range(6):
        route = urlsplit(path).path
        if route == "/account/disclaimer/":
            form = one_form(path, answer, "/account/disclaimer/")
            posted = phone.post(form, understood="on")
        elif route == "/account/screening/":
            form = one_form(path, answer, "/account/screening/")
            posted = phone.post(form, **dict.fromkeys(form.radios, "no"))
        else:
            return path
        path, answer = phone.get(posted.location)
    raise Failure(f"the safety gate did not let the person through (at {path})")


def log_in(phone: Phone, email: str, next_path: str) -> None:
    path, page = phone.get(f"/account/login/?{urlencode({'next': next_path})}")
    answer = phone.post(one_form(path, page, "/account/login/"), username=email, password=PASSWORD)
    if urlsplit(answer.location).path.startswith("/account/login/"):
        raise Failure("logging in again failed")


def tap(phone: Phone, form: Form, style: str) -> Answer:
    """One tap, or a double tap: "together" (two at once) or "twice" (back to back)."""
    if style == "once":
        return phone.post(form)
    if style == "twice":
        phone.post(form)
        return phone.post(form)
    answers: list[Answer] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def thumb():
        try:
            barrier.wait()
            answers.append(phone.post(form))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=thumb) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    if errors:
        raise Failure(f"a double tap failed: {errors[0]}")
    return answers[-1]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def listener_pid(port: int) -> int:
    """The process listening on a loopback port: the replica's gunicorn master."""
    output = subprocess.run(  # noqa: S603 (a fixed command; the port is an int)
        ["ss", "-Htlnp", f"sport = :{port}"],  # noqa: S607 (iproute2's ss, on PATH)
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pids = re.findall(r"pid=(\d+)", output)
    if not pids:
        raise Failure(f"nothing listens on port {port}")
    return min(int(pid) for pid in pids)


def kill_replica(port: int) -> list[int]:
    """SIGKILL the gunicorn master on `port` and every worker, all at once."""
    master = listener_pid(port)
    doomed = descendants(master)
    for pid in doomed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return doomed


def resident_mb(port: int) -> float:
    """Memory in use by a replica: its gunicorn master and workers (RSS)."""
    total = 0
    for pid in descendants(listener_pid(port)):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def rounds_in_database(database_url: str, session_id: int) -> tuple[str, list[tuple[int, int]]]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        status = connection.execute(
            "SELECT status FROM training_sessions_trainingsession WHERE id = %s", [session_id]
        ).fetchone()[0]
        rounds = connection.execute(
            "SELECT circuit_number, round_number FROM training_sessions_completedround "
            "WHERE session_id = %s ORDER BY circuit_number, round_number",
            [session_id],
        ).fetchall()
    return status, rounds


def run(args: argparse.Namespace) -> list[str]:
    replicas = dict(item.split("=", 1) for item in args.replica)
    ports = {name: int(port) for name, port in replicas.items()}
    victim, survivor = args.kill, next(name for name in ports if name != args.kill)
    names = {port: f"{name} (directly)" for name, port in ports.items()}
    phone = Phone(args.balancer, time.monotonic() + args.time_limit, names)
    problems: list[str] = []
    email = f"image-test-{int(time.time())}@example.com"

    # Sign-up, the link from the mail, a password, the safety gate.
    link = sign_up(phone, email, Path(args.logs))
    path, page = phone.get(link)
    form = one_form(path, page, urlsplit(link).path)
    answer = phone.post(form, password1=PASSWORD, password2=PASSWORD)
    path, page = phone.get(answer.location)
    landed = through_the_gate(phone, path, page)
    print(f"signed up {email}, through the safety gate to {urlsplit(landed).path}")

    # The sign-up limit per client, counted in Redis across both replicas:
    # the person's own sign-up was the first of SIGNUP_PER_IP (10 an hour).
    stranger = Phone(args.balancer, phone.deadline, names)
    path, page = stranger.get("/account/signup/")
    form = one_form(path, page, "/account/signup/")
    answers = [
        stranger.request("POST", form.action, form.values | {"email": f"s{index}@example.com"})
        for index in range(10)
    ]
    statuses = [a.status for a in answers]
    answered_by = {a.replica for a in answers}
    print(
        f"sign-ups from one address: {statuses.count(302)} accepted, then {statuses[-1]}; "
        f"answered by {sorted(answered_by)}"
    )
    if statuses != [302] * 9 + [429]:
        problems.append(f"the sign-up limit did not hold across replicas: {statuses}")
    if answered_by != set(ports):
        problems.append(f"the sign-ups were not spread over both replicas: {answered_by}")

    # A session.
    path, page = phone.get("/session/")
    start = one_form(path, page, "/session/")
    answer = phone.post(start, pain_before="3")
    session_url = answer.location
    session_id = int(re.match(r"^/session/(\d+)/$", session_url).group(1))
    styles = ["once", "together", "once", "twice"]
    taps = Counter()
    served_before_kill: set[str] = set()
    logout_checked = killed = False
    steps_done = 0
    while True:
        path, page = phone.get(session_url)
        forms = forms_of(path, page.body)
        form = next((f for f in forms if f.action.endswith(("/step/", "/rest/"))), None)
        if form is None:
            break
        style = styles[sum(taps.values()) % len(styles)]
        taps[style] += 1
        tap(phone, form, style)
        if form.action.endswith("/step/"):
            steps_done += 1
        if steps_done == 4 and not logout_checked:
            logout_checked = True
            problems += logout_across_replicas(phone, ports, victim, survivor, session_url, email)
        if steps_done == 11 and not killed:
            killed = True
            memory = ", ".join(f"{n} {resident_mb(p):.0f} MB" for n, p in ports.items())
            print(f"resident memory per replica (gunicorn master + workers): {memory}")
            served_before_kill = {r for r in phone.served if r in ports}
            doomed = kill_replica(ports[victim])
            phone.replica_killed = True
            print(
                f"step {steps_done} of the session: SIGKILL to {victim} "
                f"(gunicorn master and {len(doomed) - 1} workers)"
            )
    # The finish form, then the summary.
    if not urlsplit(path).path.endswith("/finish/"):
        path, page = phone.get(session_url + "finish/")
    finish = one_form(path, page, "/finish/")
    answer = phone.post(finish, pain_after="2", notes="image test")
    path, summary = phone.get(answer.location)
    shown = ROUNDS_DONE.search(summary.body)
    after_kill = Counter(phone.served)
    print(f"taps: {dict(taps)} (double taps: {taps['together'] + taps['twice']})")
    print(
        f"answers by replica: {dict(after_kill)}; statuses {dict(phone.statuses)}; "
        f"connection retries by the phone: {phone.no_answer}"
    )
    status, rounds = rounds_in_database(args.database_url, session_id)
    print(
        f"the summary says {shown.group(0) if shown else 'nothing'}; the database holds "
        f"{len(rounds)} rounds, session {status}"
    )

    if not killed:
        problems.append("the session ended before a replica was killed")
    if served_before_kill != set(ports):
        problems.append(f"before the kill only {served_before_kill} served the person")
    if not shown or shown.group(1) != "9" or shown.group(2) != "9":
        problems.append(f"the summary does not say 9 of 9 rounds: {shown and shown.group(0)}")
    if len(rounds) != 9 or len(set(rounds)) != 9:
        problems.append(f"the database holds {len(rounds)} rounds, not 9: {rounds}")
    if status != "finished":
        problems.append(f"the session is {status}, not finished")
    if phone.server_errors or stranger.server_errors:
        problems.append(f"5xx answers: {phone.server_errors + stranger.server_errors}")
    if len(phone.lost_with_the_replica) > 2:
        problems.append(f"more than 2 answers lost with the replica: {phone.lost_with_the_replica}")
    if taps["together"] + taps["twice"] < 5:
        problems.append("fewer than 5 double taps")
    return problems


def logout_across_replicas(phone, ports, first, second, session_url, email) -> list[str]:
    """Log out through one replica directly; the other must refuse the old cookie at once."""
    problems = []
    old_cookies = dict(phone.cookies)
    phone.get(session_url, port=ports[second])  # signed in there too, before
    path, account = phone.get("/account/", port=ports[first])
    logout = one_form(path, account, "/account/logout/")
    answer = phone.request("POST", logout.action, logout.values, port=ports[first])
    if answer.status != 302:
        problems.append(f"logout on {first} answered {answer.status}")
    after = phone.request("GET", session_url, port=ports[second], cookies=old_cookies)
    refused = after.status == 302 and (after.location or "").startswith("/account/login/")
    print(
        f"logout through {first}; the old cookie on {second}: {after.status} "
        f"to {after.location} ({'refused' if refused else 'STILL SIGNED IN'})"
    )
    if not refused:
        problems.append(f"after a logout on {first}, {second} still served the old cookie")
    log_in(phone, email, session_url)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--balancer", type=int, required=True, help="HAProxy's port")
    parser.add_argument("--replica", action="append", required=True, help="NAME=PORT")
    parser.add_argument("--kill", required=True, help="the replica to SIGKILL mid-session")
    parser.add_argument("--logs", required=True, help="folder of replica-NAME.log files")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--time-limit", type=float, default=150)
    args = parser.parse_args()
    started = time.monotonic()
    try:
        problems = run(args)
    except Failure as failure:
        problems = [str(failure)]
    print(f"the person's journey took {time.monotonic() - started:.1f} s")
    for problem in problems:
        print(f"problem: {problem}")
    print("FAIL" if problems else "PASS")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
