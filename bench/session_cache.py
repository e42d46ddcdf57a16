"""The login cache's effect: two servers side by side, with and without it.

    python bench/session_cache.py                            # SQLite
    python bench/session_cache.py --database-url postgres://…  # PostgreSQL (an empty database)
    python bench/session_cache.py --postgresql                 # a throwaway PostgreSQL 15 (as root)

Starts two gunicorns on the same database, one with DJANGO_SESSION_CACHE=files
and one with none (one sync worker each), and asks them in turn, batch by
batch, for the trivial view and the step page, one request at a time. Prints
the CPU milliseconds each server spends per request (medians of the batches).
Taking turns means the shared machine's slow minutes fall on both alike.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    Gunicorn,
    add_database_arguments,
    bench_environment,
    chosen_database,
    manage,
    median,
)
from bench.throughput import prepare

CACHES = ("files", "none")


def cpu_ms_per_request(server: Gunicorn, targets: list[tuple[str, str]], per_target: int) -> float:
    before, requests = server.cpu_seconds(), 0
    for path, cookie in targets:
        for _ in range(per_target):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            requests += 1
    return (server.cpu_seconds() - before) / requests * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--per-user", type=int, default=40, help="requests per user per batch")
    args = parser.parse_args()

    with (
        chosen_database(args) as database_url,
        tempfile.TemporaryDirectory(prefix="backrelief-bench-") as workdir,
    ):
        env = bench_environment(Path(workdir), database_url)
        manage(env, "collectstatic", "--no-input")
        steps = prepare(env, args.users)
        pages = {"trivial": [("/bench/trivial/", cookie) for _, cookie in steps], "step": steps}
        servers = {
            cache: Gunicorn(
                env | {"DJANGO_SESSION_CACHE": cache}, Path(workdir) / f"{cache}.log", workers=1
            )
            for cache in CACHES
        }
        results = {(cache, page): [] for cache in CACHES for page in pages}
        try:
            for server in servers.values():
                server.start()
            for turn in range(args.rounds):
                order = CACHES if turn % 2 == 0 else CACHES[::-1]
                for cache in order:
                    for page, targets in pages.items():
                        results[cache, page].append(
                            cpu_ms_per_request(servers[cache], targets, args.per_user)
                        )
        finally:
            for server in servers.values():
                server.stop()

    database = "PostgreSQL" if database_url else "SQLite"
    print(f"{database}, one sync worker each, {args.users} users, {args.rounds} rounds in turn")
    print(f"{'login cache':<14}{'trivial':>10}{'step':>10}{'step ÷ trivial':>17}   CPU ms/request")
    for cache in CACHES:
        trivial, step = median(results[cache, "trivial"]), median(results[cache, "step"])
        print(f"{cache:<14}{trivial:>10.2f}{step:>10.2f}{trivial / step:>17.0%}")
    saved = 1 - median(results["files", "step"]) / median(results["none", "step"])
    print(f"the step page costs {saved:.0%} less CPU with the login cache")


if __name__ == "__main__":
    main()
