"""How the history page's time grows with a user's history: 5 000 sessions against 10.

    .venv/bin/python bench/history.py            # about a minute
    .venv/bin/python bench/history.py --rounds 100
    .venv/bin/python bench/history.py --one-protocol   # /history/?protocol=<id>, narrowed

Standalone: it builds a throwaway SQLite file database in a temporary folder
(never the development one), seeds the protocol, gives one user 5 000 past
sessions (each with its rounds, 45 000 in all, written with bulk_create) and
another user 10, then renders /history/ with Django's test Client for each,
interleaved, and prints the median times and their ratio. The goal is a
ratio of at most 1.5. It stops by itself after --rounds requests per user or
--seconds of measuring, whichever comes first. It also streams the heavy
user's CSV export once and reports its size and the memory it peaked at.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY, LIGHT = 5_000, 10


def configure(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "backrelief.settings"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_STATIC_ROOT"] = str(database.parent)  # exists: whitenoise stays quiet
    import django
    from django.conf import settings

    django.setup()
    # Production settings otherwise, with plain static files (no collectstatic
    # here) and no HTTPS redirect for the test client.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False


def make_history(user, protocol, count: int, rng: random.Random) -> None:
    """`count` past sessions, most finished with 9 rounds, some ended early, one a day or so."""
    from django.utils import timezone

    from sessions.models import (
        CompletedRound,
        ProgressSummary,
        TrainingSession,
        plan_from_steps,
        round_ends,
        rounds_in_plan,
    )

    plan = plan_from_steps(protocol.steps())
    ends = round_ends(plan)
    zone = user.training_preferences.zone
    now = timezone.now()
    moment = now - timedelta(days=1)
    sessions = []
    for _ in range(count):
        ended_early = rng.random() < 0.1
        started = moment.replace(hour=7 + rng.randrange(12), minute=rng.randrange(60))
        before = rng.randrange(11) if rng.random() < 0.8 else None
        sessions.append(
            TrainingSession(
                user=user,
                protocol=protocol,
                protocol_name=protocol.name,
                status="ended_early" if ended_early else "finished",
                started_at=started,
                local_date=timezone.localdate(started, zone),
                finished_at=started + timedelta(minutes=8 if ended_early else 24),
                pain_before=before,
                pain_after=None
                if before is None
                else min(10, max(0, before - rng.randrange(-1, 4))),
                notes=rng.choice(["", "", "Stiff this morning.", "=looser after circuit 2"]),
                plan=plan,
                total_rounds=rounds_in_plan(plan),
                steps_done=8 if ended_early else len(plan),
            )
        )
        # Mostly daily, sometimes twice a day, now and then a day or three off.
        moment -= timedelta(days=rng.choice([0, 1, 1, 1, 1, 1, 1, 2, 4]))
    sessions = TrainingSession.objects.bulk_create(sessions, batch_size=500)
    rounds = []
    for session in sessions:
        done = ends[:4] if session.status == "ended_early" else ends
        for minute, step in enumerate(done):
            when = session.started_at + timedelta(minutes=2 + minute * 2)
            rounds.append(session.round_ended_by(step, when))
        if len(rounds) >= 5_000:
            CompletedRound.objects.bulk_create(rounds)
            rounds = []
    CompletedRound.objects.bulk_create(rounds)
    # What finishing each session would have done along the way.
    ProgressSummary.refresh_for(user.pk)


def timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300, help="requests per user (300)")
    parser.add_argument("--seconds", type=float, default=60, help="stop measuring after (60)")
    parser.add_argument(
        "--one-protocol", action="store_true", help="time the list narrowed to the protocol"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="backrelief-bench-") as folder:
        configure(Path(folder) / "bench.sqlite3")
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from accounts.models import User
        from protocols.models import Protocol
        from sessions.models import TrainingPreferences

        setup_started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_protocol", stdout=open(os.devnull, "w"))  # noqa: SIM115
        protocol = Protocol.objects.with_exercises().get()
        rng = random.Random(6)
        clients = {}
        for label, count in (("heavy", HEAVY), ("light", LIGHT)):
            user = User.objects.create_user(f"{label}@example.com", secrets.token_urlsafe())
            TrainingPreferences.objects.create(
                user=user, time_zone="Europe/London", training_days=[0, 2, 4]
            )
            make_history(user, protocol, count, rng)
            client = Client()
            client.force_login(user)
            clients[label] = client
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"set up {HEAVY:,} and {LIGHT} sessions in {time.perf_counter() - setup_started:.1f} s"
        )

        url = f"/history/?protocol={protocol.pk}" if options.one_protocol else "/history/"
        for label, client in clients.items():
            with CaptureQueriesContext(connection) as queries:
                timed_get(client, url)
            print(f"{label}: {len(queries)} queries on {url}")
            for _ in range(10):  # warm up: templates, the query planner, caches
                timed_get(client, url)

        times: dict[str, list[float]] = {"heavy": [], "light": []}
        deadline = time.perf_counter() + options.seconds
        for index in range(options.rounds):
            if time.perf_counter() > deadline:
                print(f"stopped after {index} rounds: --seconds {options.seconds:g} reached")
                break
            # Alternate who goes first, so neither always gets the warmer cache.
            order = ("heavy", "light") if index % 2 == 0 else ("light", "heavy")
            for label in order:
                times[label].append(timed_get(clients[label], url))

        heavy = statistics.median(times["heavy"]) * 1000
        light = statistics.median(times["light"]) * 1000
        print(f"history page, median of {len(times['heavy'])} requests each:")
        print(f"  {HEAVY:,} sessions: {heavy:.2f} ms")
        print(f"  {LIGHT:>5} sessions: {light:.2f} ms")
        print(f"  ratio {HEAVY}/{LIGHT}: {heavy / light:.2f} (goal: at most 1.5)")

        export = "/history/export.csv"
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in clients["heavy"].get(export).streaming_content)
        elapsed = time.perf_counter() - started
        tracemalloc.start()  # a second pass, traced: tracing slows it down
        chunks = sum(1 for _ in clients["heavy"].get(export).streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"CSV export, {HEAVY:,} sessions: {size / 1e6:.1f} MB in {chunks} chunks, "
            f"{elapsed:.1f} s; peak Python memory while streaming {peak / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
