"""Where a step page request spends its time, in process, with production settings.

    python bench/profile_step.py [--requests 500] [--profile]

Calls the WSGI application directly (no server, no test client) for one
signed-in person mid-session, and prints the time per request of the step
page and of the trivial view (the best of several batches: a shared machine
only ever adds time), then the step page's time by part: the login session,
the user, the training session, the template, the safety gate and the rest.
With --profile, cProfile's top functions as well.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_environment, manage
from bench.throughput import prepare

BATCHES = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backrelief-profile-") as workdir:
        env = bench_environment(Path(workdir), None)
        manage(env, "collectstatic", "--no-input")
        [(url, cookie)] = prepare(env, users=1, in_process=True)  # Django set up here
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()

        def get(path: str) -> None:
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "80",
                "HTTP_HOST": "127.0.0.1",
                "HTTP_COOKIE": cookie,
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
                "wsgi.url_scheme": "http",
            }
            statuses = []
            b"".join(application(environ, lambda status, headers: statuses.append(status)))
            assert statuses == ["200 OK"], f"{path}: {statuses}"

        def per_request(path: str) -> float:
            """Milliseconds, the best batch of BATCHES."""
            batch = max(1, args.requests // BATCHES)
            best = float("inf")
            for _ in range(BATCHES):
                started = time.process_time()
                for _ in range(batch):
                    get(path)
                best = min(best, (time.process_time() - started) / batch)
            return best * 1000

        for _ in range(50):
            get(url)
            get("/bench/trivial/")
        trivial, step = per_request("/bench/trivial/"), per_request(url)
        print(f"trivial view   {trivial:6.3f} ms per request (in process, CPU)")
        print(f"step page      {step:6.3f} ms per request (the trivial view: {trivial / step:.0%})")

        parts = time_by_part(lambda: get(url), args.requests)
        print("the step page by part:")
        for part, milliseconds in parts.items():
            print(f"  {part:<48}{milliseconds:6.3f} ms")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


def time_by_part(request, requests: int) -> dict[str, float]:
    """CPU milliseconds per request in each part, by wrapping the function that does it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib import auth
    from django.template.backends.django import Template

    from safety import gate as safety
    from sessions import views

    spent: Counter[str] = Counter()
    wrapped = []

    def wrap(owner, name: str, part: str) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[part] += time.process_time() - started

        setattr(owner, name, timed)
        wrapped.append((owner, name, original))

    # The order of a request: the login session is read first (by the time
    # zone middleware, for request.user), so the user's time excludes it.
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    wrap(engine, "load", f"login session ({engine.__module__.rsplit('.', 1)[-1]})")
    wrap(auth, "get_user", "user (the auth middleware's query)")
    wrap(safety, "gate_redirect", "safety gate (no query)")
    wrap(views, "_get_session_for_user", "training session and protocol (one query)")
    wrap(Template, "render", "template, context processors, CSRF token")
    try:
        started = time.process_time()
        for _ in range(requests):
            request()
        total = time.process_time() - started
    finally:
        for owner, name, original in wrapped:
            setattr(owner, name, original)
    parts = {part: seconds / requests * 1000 for part, seconds in spent.most_common()}
    parts["the rest (middleware, URL, request, response)"] = total / requests * 1000 - sum(
        parts.values()
    )
    return parts


if __name__ == "__main__":
    main()
