"""Where a step page request spends its time: cProfile over N in-process requests.

python bench/profile_step.py [--requests 500] [--sort cumulative|tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_environment, manage


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = bench_environment(Path(workdir), None)
        env["DJANGO_ALLOWED_HOSTS"] = "testserver"
        manage(env, "collectstatic", "--no-input")
        manage(env, "migrate", "--no-input")
        manage(env, "seed_protocol")
        os.environ.update(env)
        import django

        django.setup()
        from django.test import Client

        from accounts.models import User
        from protocols.models import Protocol
        from sessions.models import TrainingSession

        user = User.objects.create_user("profile@example.com", "x" * 20)
        session = TrainingSession.start(user, Protocol.objects.with_exercises().get(), 3)
        session.complete_step(1)
        client = Client()
        client.force_login(user)
        url = session.get_absolute_url()
        for _ in range(50):
            client.get(url)
            client.get("/bench/trivial/")
        for path in ("/bench/trivial/", url):
            started = time.perf_counter()
            for _ in range(args.requests):
                assert client.get(path).status_code == 200
            per_request = (time.perf_counter() - started) / args.requests * 1000
            print(f"{path:<20} {per_request:.2f} ms per request (in process, test client)")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
