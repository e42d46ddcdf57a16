"""Throughput of the guided step page against a trivial Django view, same server, same run.

    python bench/throughput.py                       # SQLite
    python bench/throughput.py --database-url postgres://…   # PostgreSQL (an empty database)
    python bench/throughput.py --postgresql                  # a throwaway PostgreSQL 15 (as root)

Starts gunicorn on a loopback port with production settings (DEBUG off),
signs in --users people who each have a session in progress, and drives the
step page and a trivial view (a plain response through the same middleware)
alternately with wrk for a fixed time each round. Prints requests per second
and p50/p95 latency, medians over the rounds, and the ratio step/trivial:
the median of each round's ratio, both pages measured back to back (in
alternating order), so a shared machine's slow minutes touch both alike.
Budget (PRODUCT.md): the step page reaches at least 25 % of the trivial view.
A third page, signed-in, does nothing but find who is asking (the login
session and the user): the floor under any page that needs a login.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Gunicorn,
    add_database_arguments,
    add_session_cache_argument,
    bench_environment,
    chosen_database,
    manage,
    median,
    person_through_the_gate,
    wrk,
)


def prepare(env: dict, users: int) -> list[tuple[str, str]]:
    """Migrate, seed, and sign in `users` people mid-session; return (step path, cookie).

    Each request must get the real step page (200), not a redirect: the
    benchmark checks the status of every response (wrk counts non-2xx).
    """
    manage(env, "migrate", "--no-input")
    manage(env, "seed_protocol")
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string

    from protocols.models import Protocol
    from sessions.models import TrainingSession

    protocol = Protocol.objects.with_exercises().get()
    targets = []
    for index in range(users):
        user, cookie = person_through_the_gate(f"bench{index}@example.com")
        session = TrainingSession.start(user, protocol, pain_before=3)
        session.complete_step(1)  # on to step 2 of 21, no rest pending
        # A browser also sends the CSRF cookie it was given; without it every
        # response would mint a new secret and set a cookie, which no real
        # visitor's second request does.
        csrf = f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
        targets.append(
            (session.get_absolute_url(), f"{settings.SESSION_COOKIE_NAME}={cookie}; {csrf}")
        )
    connection.close()
    return targets


def check_is_step_page(base: str, target: tuple[str, str]) -> None:
    """Refuse to measure a redirect (to log in, or to the safety gate) instead of the page."""
    path, cookie = target
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
        if response.url != base + path or "Step 2 of 21" not in body:
            raise SystemExit(f"{path} did not answer with the step page (got {response.url})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=3, help="per page per round")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="per worker, as gunicorn.conf.py runs production (1: the sync worker)",
    )
    parser.add_argument("--connections", type=int, default=8)
    add_session_cache_argument(parser)
    args = parser.parse_args()

    with (
        chosen_database(args) as database_url,
        tempfile.TemporaryDirectory(prefix="backrelief-bench-") as workdir,
    ):
        env = bench_environment(Path(workdir), database_url, args.session_cache)
        manage(env, "collectstatic", "--no-input")
        targets = prepare(env, args.users)
        trivial = [("/bench/trivial/", cookie) for _, cookie in targets]
        signed_in = [("/bench/signed-in/", cookie) for _, cookie in targets]
        results: dict[str, list[dict]] = {"trivial": [], "signed-in": [], "step": []}
        server = Gunicorn(
            env, Path(workdir) / "gunicorn.log", workers=args.workers, threads=args.threads
        )
        server.start()
        try:
            check_is_step_page(server.base, targets[0])
            pages = [("trivial", trivial), ("signed-in", signed_in), ("step", targets)]
            for _, page_targets in pages:  # warm up (and fill the login cache)
                wrk(server.base, page_targets, seconds=1)
            for _ in range(args.rounds):
                pages.reverse()  # the other way round every other round
                for page, page_targets in pages:
                    before = server.cpu_seconds()
                    run = wrk(server.base, page_targets, args.seconds, args.connections)
                    run["cpu_ms"] = (server.cpu_seconds() - before) / run["requests"] * 1000
                    results[page].append(run)
        finally:
            server.stop()

    database = "PostgreSQL" if database_url else "SQLite"
    from django.conf import settings

    print(
        f"gunicorn {args.workers} workers x {args.threads} threads, {database}, "
        f"login sessions {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}, {args.users} users, "
        f"{args.rounds} rounds x {args.seconds} s, {args.connections} connections"
    )
    print(f"{'page':<10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'CPU ms/req':>12}")
    for page, runs in results.items():
        print(
            f"{page:<10}{median([r['rps'] for r in runs]):>9.0f}"
            f"{median([r['p50_ms'] for r in runs]):>9.1f}"
            f"{median([r['p95_ms'] for r in runs]):>9.1f}"
            f"{sum(r['errors'] for r in runs):>8}"
            f"{median([r['cpu_ms'] for r in runs]):>12.2f}"
        )
    for page in ("signed-in", "step"):
        pairs = list(zip(results["trivial"], results[page], strict=True))
        by_rps = median([run["rps"] / trivial["rps"] for trivial, run in pairs])
        by_cpu = median([trivial["cpu_ms"] / run["cpu_ms"] for trivial, run in pairs])
        print(
            f"{page} / trivial view: {by_rps:.0%} by requests per second (median of rounds), "
            f"{by_cpu:.0%} per server CPU second (what a load generator elsewhere would see)"
        )
    print("budget: at least 25%")


if __name__ == "__main__":
    main()
