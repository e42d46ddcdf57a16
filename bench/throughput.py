"""Throughput of the guided step page against a trivial Django view, same server, same run.

    python bench/throughput.py                       # SQLite
    python bench/throughput.py --database-url postgres://…   # PostgreSQL (an empty database)
    python bench/throughput.py --postgresql                  # a throwaway PostgreSQL 15 (as root)
    python bench/throughput.py --postgresql --redis          # ... with a throwaway Redis
    python bench/throughput.py --compare     # SQLite, PostgreSQL, PostgreSQL + Redis, one run

Starts gunicorn on a loopback port with production settings (DEBUG off),
signs in --users people who each have a session in progress, and drives the
step page and a trivial view (a plain response through the same middleware)
alternately with wrk for a fixed time each round. Prints requests per second
and p50/p95 latency, medians over the rounds, and the ratio step/trivial:
the median of each round's ratio, both pages measured back to back (in
alternating order), so a shared machine's slow minutes touch both alike.
Budget (docs/benchmarks.md): the step page reaches at least 25 % of the trivial view.
A third page, signed-in, does nothing but find who is asking (the login
session and the user): the floor under any page that needs a login.

--compare runs three servers side by side (SQLite and PostgreSQL with login
sessions read from the table, as every install without Redis runs;
PostgreSQL with every cache, the login cache too, in Redis), each round
measuring every page of every server in turn, and compares each one's step/trivial ratio with
SQLite's in the same round. Goal: PostgreSQL + Redis reaches at
least 80 % of SQLite's ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    PYTHON,
    Gunicorn,
    add_database_arguments,
    bench_environment,
    chosen_database,
    manage,
    median,
    person_through_the_gate,
    throwaway_postgresql,
    throwaway_redis,
    wrk,
)


def prepare(env: dict, users: int, in_process: bool = False) -> list[tuple[str, str]]:
    """Migrate, seed, and sign in `users` people mid-session; return (step path, cookie).

    Each request must get the real step page (200), not a redirect: the
    benchmark checks the status of every response (wrk counts non-2xx).
    Done in a process of its own, with the server's settings, so that one run
    can prepare several servers (Django is set up once per process), unless
    `in_process`: then Django is set up here, with `env` (bench/profile_step.py).
    """
    manage(env, "migrate", "--no-input")
    manage(env, "seed_protocol")
    if in_process:
        os.environ.update(env)
        return prepare_here(users)
    output = subprocess.run(
        [PYTHON, __file__, "--prepare-only", str(users)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return [tuple(target) for target in json.loads(output.splitlines()[-1])]


def prepare_here(users: int) -> list[tuple[str, str]]:
    """prepare()'s work, in this process, with the settings in its environment."""
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


@dataclass
class Server:
    """One configuration under test: its gunicorn, its people, its measurements."""

    name: str
    env: dict
    gunicorn: Gunicorn
    pages: list[tuple[str, list[tuple[str, str]]]]
    results: dict[str, list[dict]] = field(
        default_factory=lambda: {"trivial": [], "signed-in": [], "step": []}
    )


def start_server(name: str, env: dict, workdir: Path, args) -> Server:
    manage(env, "collectstatic", "--no-input")
    targets = prepare(env, args.users)
    trivial = [("/bench/trivial/", cookie) for _, cookie in targets]
    signed_in = [("/bench/signed-in/", cookie) for _, cookie in targets]
    server = Gunicorn(env, workdir / "gunicorn.log", workers=args.workers, threads=args.threads)
    server.start()
    check_is_step_page(server.base, targets[0])
    pages = [("trivial", trivial), ("signed-in", signed_in), ("step", targets)]
    for _, page_targets in pages:  # warm up (and fill the login cache, with Redis)
        wrk(server.base, page_targets, seconds=1)
    return Server(name, env, server, pages)


def measure_round(server: Server, args) -> None:
    server.pages.reverse()  # the other way round every other round
    for page, page_targets in server.pages:
        before = server.gunicorn.cpu_seconds()
        run = wrk(server.gunicorn.base, page_targets, args.seconds, args.connections)
        run["cpu_ms"] = (server.gunicorn.cpu_seconds() - before) / run["requests"] * 1000
        server.results[page].append(run)


def ratios(server: Server, page: str) -> tuple[list[float], list[float]]:
    """Each round's page/trivial ratio, by requests per second and per CPU second."""
    pairs = list(zip(server.results["trivial"], server.results[page], strict=True))
    return (
        [run["rps"] / trivial["rps"] for trivial, run in pairs],
        [trivial["cpu_ms"] / run["cpu_ms"] for trivial, run in pairs],
    )


def report(server: Server) -> None:
    print(f"-- {server.name}")
    print(f"{'page':<10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'CPU ms/req':>12}")
    for page, runs in server.results.items():
        print(
            f"{page:<10}{median([r['rps'] for r in runs]):>9.0f}"
            f"{median([r['p50_ms'] for r in runs]):>9.1f}"
            f"{median([r['p95_ms'] for r in runs]):>9.1f}"
            f"{sum(r['errors'] for r in runs):>8}"
            f"{median([r['cpu_ms'] for r in runs]):>12.2f}"
        )
    for page in ("signed-in", "step"):
        by_rps, by_cpu = ratios(server, page)
        print(
            f"{page} / trivial view: {median(by_rps):.0%} by requests per second (median of "
            f"rounds), {median(by_cpu):.0%} per server CPU second (what a load generator "
            "elsewhere would see)"
        )


def configurations(args, stack: contextlib.ExitStack) -> list[tuple[str, str | None, str | None]]:
    """(name, database URL, Redis URL) for each server of the run."""
    if not args.compare:
        database_url = stack.enter_context(chosen_database(args))
        redis_url = stack.enter_context(throwaway_redis()).url if args.redis else None
        name = "PostgreSQL" if database_url else "SQLite"
        return [(name + (" + Redis" if redis_url else ""), database_url, redis_url)]
    postgresql = stack.enter_context(throwaway_postgresql())
    import psycopg

    with psycopg.connect(postgresql.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE backrelief_redis")
    redis = stack.enter_context(throwaway_redis())
    return [
        ("SQLite (login sessions in the table)", None, None),
        ("PostgreSQL (login sessions in the table)", postgresql, None),
        (
            "PostgreSQL + Redis (every cache in Redis)",
            postgresql.rsplit("/", 1)[0] + "/backrelief_redis",
            redis.url,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--redis", action="store_true", help="a throwaway Redis (REDIS_URL)")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="SQLite, PostgreSQL and PostgreSQL + Redis side by side (as root)",
    )
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
    parser.add_argument("--prepare-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_only is not None:
        print(json.dumps(prepare_here(args.prepare_only)))
        return

    servers: list[Server] = []
    with contextlib.ExitStack() as stack:
        for index, (name, database_url, redis_url) in enumerate(configurations(args, stack)):
            workdir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="backrelief-bench-"))
            )
            env = bench_environment(workdir, database_url, redis_url)
            server = start_server(name, env, workdir, args)
            stack.callback(server.gunicorn.stop)
            servers.append(server)
            if index % 2:
                server.pages.reverse()
        for round_number in range(args.rounds):
            order = servers[round_number % len(servers) :] + servers[: round_number % len(servers)]
            for server in order:
                measure_round(server, args)

    print(
        f"gunicorn {args.workers} workers x {args.threads} threads each, {args.users} users, "
        f"{args.rounds} rounds x {args.seconds} s per page, {args.connections} connections"
    )
    for server in servers:
        report(server)
    print("budget: at least 25%")
    if len(servers) > 1:
        baseline = servers[0]
        base_rps, base_cpu = ratios(baseline, "step")
        for server in servers[1:]:
            rps, cpu = ratios(server, "step")
            share_rps = median([mine / theirs for mine, theirs in zip(rps, base_rps, strict=True)])
            share_cpu = median([mine / theirs for mine, theirs in zip(cpu, base_cpu, strict=True)])
            print(
                f"{server.name}: its step/trivial ratio is {share_rps:.0%} of SQLite's by "
                f"requests per second, {share_cpu:.0%} per CPU second (median of rounds)"
            )
        print("goal: PostgreSQL + Redis at least 80% of SQLite's ratio")


if __name__ == "__main__":
    main()
