"""Page weight on a phone's first load: bytes transferred, requests, third-party requests.

    python bench/pages.py              # about half a minute
    python bench/pages.py --verbose    # and every request of every page

Starts gunicorn on a loopback port with production settings (DEBUG off, the
static files collected, hashed and compressed, served by whitenoise) on a
throwaway SQLite database. Prepares people who have passed the safety gate:
Pat has one finished session and one in progress at a step; Sam is resting
between rounds. Then, in Debian's chromium through Playwright, at a phone's
size (390 by 844, touch) and with an empty cache for every page, it loads the
landing page, log in, the protocol, an exercise, the step, the rest, history
and the summary, and prints for each what a first visit costs: bytes
transferred (response headers and bodies as sent, compressed), requests, and
requests to any host but the server's. It waits until the network has been
quiet for half a second after the load, so the service worker's first
install (it keeps the offline page) is counted too, on the pages that set it
up.

Budget (docs/benchmarks.md): a step page's first load at most 60 KB transferred, and
no third-party requests on any page. Exits 1 when either is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    CHROMIUM_FLAGS,
    bench_environment,
    gunicorn,
    manage,
    person_through_the_gate,
)

STEP_BUDGET = 60 * 1024  # bytes
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class Audience:
    """The people and pages to load: a path per page, and whose cookie it needs."""

    cookies: dict[str, str]  # person -> session cookie value
    pages: list[tuple[str, str, str | None]]  # (page, path, person or None)
    before: dict[str, object] = field(default_factory=dict)  # page -> callable run first


def prepare(env: dict) -> Audience:
    """Migrate, seed, and set up Pat (a finished session, one at a step) and Sam (resting)."""
    manage(env, "migrate", "--no-input")
    manage(env, "seed_protocol")
    os.environ.update(env)
    # Playwright's sync API runs an event loop in this thread; the database
    # calls made between page loads are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.db import connection

    from protocols.models import Exercise, Protocol
    from sessions.models import TrainingSession

    protocol = Protocol.objects.with_exercises().get()

    pat, pat_cookie = person_through_the_gate("pat@example.com", first_name="Pat")
    finished = TrainingSession.start(pat, protocol, pain_before=4)
    for number in range(1, finished.total_steps + 1):
        if finished.resting:
            finished.end_rest(number - 1)
        finished.complete_step(number)
    finished.reflect(2, "Looser afterwards; the bridges felt strong.")
    at_a_step = TrainingSession.start(pat, protocol, pain_before=3)
    at_a_step.complete_step(1)  # step 2 of 21

    sam, sam_cookie = person_through_the_gate("sam@example.com", first_name="Sam")
    resting = TrainingSession.start(sam, protocol, pain_before=2)
    resting.complete_step(1)

    def start_the_rest() -> None:
        # Step 2 ends round 1: a 30-second rest starts now, and is still on
        # while the page loads (its countdown would move on when it ends).
        resting.complete_step(2)
        connection.close()

    exercise = Exercise.objects.get(label="1a")
    audience = Audience(
        cookies={"pat": pat_cookie, "sam": sam_cookie},
        pages=[
            ("landing", "/", None),
            ("log in", "/account/login/", None),
            ("protocol", protocol.get_absolute_url(), None),
            ("exercise", exercise.get_absolute_url(), None),
            ("step", at_a_step.get_absolute_url(), "pat"),
            ("rest", resting.get_absolute_url(), "sam"),
            ("history", "/history/", "pat"),
            ("summary", f"/session/{finished.pk}/summary/", "pat"),
        ],
        before={"rest": start_the_rest},
    )
    connection.close()
    return audience


class WireCounter:
    """A loopback TCP relay in front of gunicorn that counts the bytes the server sends.

    That is what "transferred" means, whoever asked: the page, the service
    worker, or the browser itself (a request the HTTP cache answers sends
    nothing). Headers, bodies as compressed, chunk framing: all of it.
    """

    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sent = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def take(self) -> int:
        """The bytes sent since the last call."""
        with self.lock:
            sent, self.sent = self.sent, 0
        return sent

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, count: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if count:
                    with self.lock:
                        self.sent += len(data)
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


@dataclass
class Load:
    page: str
    status: int
    final_url: str
    document: dict  # the page's own HTML
    requests: list[dict]  # every request, the document's included
    transferred: int = 0  # bytes the server sent, counted on the wire

    @property
    def third_party(self) -> list[str]:
        return [r["url"] for r in self.requests if r["third_party"]]


def first_load(browser, wire: WireCounter, page_name: str, path: str, cookie: str | None) -> Load:
    """Load `path` in a fresh context (empty cache, no service worker yet) at a phone's size."""
    base = wire.base
    context = browser.new_context(**PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)  # a page that hangs stops the run
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
    seen: list = []
    # Context-wide, so the service worker's own fetches are counted as well.
    context.on("requestfinished", lambda request: seen.append((request, True)))
    context.on("requestfailed", lambda request: seen.append((request, False)))
    try:
        page = context.new_page()
        response = page.goto(base + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        status, final_url = response.status, page.url
        requests = [describe(request, ok, base) for request, ok in seen]
        document = describe(response.request, True, base)
    finally:
        context.close()
    time.sleep(0.2)  # the relay's threads see the connections close
    return Load(page_name, status, final_url, document, requests, transferred=wire.take())


def describe(request, ok: bool, base: str) -> dict:
    url = request.url
    host = urlsplit(url).hostname or ""
    local = urlsplit(url).netloc == urlsplit(base).netloc or host in LOCAL_HOSTS
    scheme = urlsplit(url).scheme
    entry = {
        "url": url,
        "ok": ok,
        "third_party": scheme in ("http", "https", "ws", "wss") and not local,
        "from_worker": request.service_worker is not None,
        "bytes": 0,
        "encoding": "",
        "accept_encoding": request.all_headers().get("accept-encoding", ""),
        "status": None,
    }
    response = request.response() if ok else None
    if response is not None:
        # As chromium reports it: headers and the body as sent (compressed).
        # For the service worker's fetches it also counts answers from the
        # HTTP cache; the wire counter is the total to trust.
        sizes = request.sizes()
        entry["bytes"] = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        entry["encoding"] = response.headers.get("content-encoding", "")
        entry["status"] = response.status
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    loads: list[Load] = []
    with tempfile.TemporaryDirectory(prefix="backrelief-pages-") as workdir:
        env = bench_environment(Path(workdir), None)
        manage(env, "collectstatic", "--no-input")
        audience = prepare(env)
        with gunicorn(env) as base, sync_playwright() as playwright:
            wire = WireCounter(base)
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            try:
                for name, path, person in audience.pages:
                    if name in audience.before:
                        audience.before[name]()
                    cookie = audience.cookies[person] if person else None
                    wire.take()
                    load = first_load(browser, wire, name, path, cookie)
                    if load.status != 200 or urlsplit(load.final_url).path != path:
                        raise SystemExit(f"{name}: {path} gave {load.status} at {load.final_url}")
                    loads.append(load)
            finally:
                browser.close()
                wire.close()

    report(loads, args.verbose)
    print(f"({time.monotonic() - started:.0f} s)")
    step = next(load for load in loads if load.page == "step")
    third_party = sum(len(load.third_party) for load in loads)
    if step.transferred > STEP_BUDGET or third_party:
        sys.exit(1)


def report(loads: list[Load], verbose: bool) -> None:
    print("First load on a phone (390x844, empty cache), production settings, chromium")
    print(
        f"{'page':<10}{'KB':>7}{'requests':>10}{'of which SW':>13}{'third-party':>13}"
        f"{'HTML KB':>9}  encodings (HTML; static)"
    )
    for load in loads:
        worker = sum(1 for r in load.requests if r["from_worker"])
        document = load.document
        static = sorted({r["encoding"] or "none" for r in load.requests if "/static/" in r["url"]})
        print(
            f"{load.page:<10}{load.transferred / 1024:>7.1f}{len(load.requests):>10}"
            f"{worker:>13}{len(load.third_party):>13}{document['bytes'] / 1024:>9.1f}"
            f"  {document['encoding'] or 'none'}; {', '.join(static)}"
        )
        if verbose:
            for r in load.requests:
                where = "worker" if r["from_worker"] else "page"
                print(
                    f"    {r['bytes']:>7} B  {r['status']}  {where:<6} "
                    f"{r['encoding'] or '-':<5} {r['url']}"
                )
    accepted = {r["accept_encoding"] for load in loads for r in load.requests} - {""}
    print(f"chromium sent Accept-Encoding: {' | '.join(sorted(accepted))}")
    print("KB: what the server sent (headers and compressed bodies), counted on the wire,")
    print("    the service worker's first install included (SW: requests it made)")
    step = next(load for load in loads if load.page == "step")
    verdict = "PASS" if step.transferred <= STEP_BUDGET else "FAIL"
    print(
        f"step page: {step.transferred / 1024:.1f} KB transferred "
        f"(budget: at most {STEP_BUDGET // 1024} KB) {verdict}"
    )
    third_party = [url for load in loads for url in load.third_party]
    print(
        f"third-party requests: {len(third_party)} (budget: 0) {'FAIL' if third_party else 'PASS'}"
    )
    for url in third_party:
        print(f"    {url}")


if __name__ == "__main__":
    main()
