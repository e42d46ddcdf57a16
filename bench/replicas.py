"""Requests per second of one page for 1 and 2 gunicorn workers, on PostgreSQL.

What docs/deploy.md quotes when it says how far one replica goes and what a
second worker (or replica) adds. From the project root, as root (like .ci/run):

    apt-get install wrk            # the load generator
    .venv/bin/python bench/replicas.py                 # the landing page, /
    .venv/bin/python bench/replicas.py --path /protocols/lower-back-relief/

It runs the app as production does (DEBUG off, collected static files,
the container's entrypoint and gunicorn.conf.py) on a throwaway PostgreSQL 15
server that it starts and stops itself, unless DATABASE_URL names one (its
database is then migrated and seeded). Each worker count gets a warm-up and
--runs timed runs of wrk; it reports the median and the best run. Load goes
to 127.0.0.1 only, and every run is bounded in time (at most 60 s) and
number (at most 5). Results go to bench/results/replicas.json (not committed).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.common import throwaway_postgresql  # noqa: E402

ENTRYPOINT = PROJECT / "docker" / "entrypoint.sh"
RESULTS = PROJECT / "bench" / "results"
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def production_env(database_url: str, static_root: Path, **extra: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_"))
    }
    return clean | {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": LOOPBACK,
        # Plain HTTP on the loopback: no TLS proxy in front here.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        **extra,
    }


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env: dict, workers: int, log: Path) -> Iterator[tuple[int, int]]:
    """Serve with `workers` worker processes; yields the port and gunicorn's pid."""
    port = free_port()
    server_env = env | {
        "GUNICORN_BIND": f"{LOOPBACK}:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "1",  # one request per worker process: workers are what we compare
    }
    with log.open("a", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(ENTRYPOINT)], env=server_env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if get(port, "/healthz") == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"gunicorn did not start; see {log}")
            time.sleep(0.2)
        yield port, process.pid  # the entrypoint execs gunicorn: same process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) used so far by gunicorn's worker processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(port: int, path: str, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second, and how many requests were made."""
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            f"http://{LOOPBACK}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    )
    if re.search(r"Non-2xx or 3xx responses", result.stdout):
        sys.exit(f"the page answered with errors under load:\n{result.stdout}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    return rate, int(re.search(r"(\d+) requests in", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--path", default="/", help="the page to load (default /)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per run (at most 60)")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per worker count (at most 5)"
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent connections (at most 64)"
    )
    args = parser.parse_args()
    if not (1 <= args.duration <= 60 and 1 <= args.runs <= 5 and 1 <= args.connections <= 64):
        parser.error("keep it bounded: --duration 1 to 60, --runs 1 to 5, --connections 1 to 64")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / "replicas-server.log"
    log.write_text("", encoding="utf-8")
    given = os.environ.get("DATABASE_URL", "")
    database = (
        contextlib.nullcontext(given) if given.startswith("postgres") else throwaway_postgresql()
    )
    with database as database_url, tempfile.TemporaryDirectory() as static_root:
        env = production_env(database_url, Path(static_root))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=PROJECT,
            env=env,
            check=True,
        )
        subprocess.run(
            [str(ENTRYPOINT), "true"],
            env=env | {"RUN_MIGRATIONS": "1"},
            check=True,
            stdout=subprocess.DEVNULL,
        )

        # Both servers run side by side (the idle one costs nothing) and the
        # timed runs alternate between them, so a noisy neighbour on the
        # machine slows both alike instead of skewing one.
        rates: dict[int, list[float]] = {1: [], 2: []}
        cpu_ms: dict[int, list[float]] = {1: [], 2: []}
        load_before = os.getloadavg()[0]
        with gunicorn(env, 1, log) as one_worker, gunicorn(env, 2, log) as two_workers:
            servers = {1: one_worker, 2: two_workers}
            for port, _ in servers.values():
                status = get(port, args.path)
                if status != 200:
                    sys.exit(f"{args.path} answered {status}, not 200")
                wrk(port, args.path, 2, args.connections)  # warm-up: connections, caches
            for _ in range(args.runs):
                for workers, (port, pid) in servers.items():
                    cpu_before = workers_cpu_seconds(pid)
                    rate, count = wrk(port, args.path, args.duration, args.connections)
                    cpu = workers_cpu_seconds(pid) - cpu_before
                    rates[workers].append(rate)
                    cpu_ms[workers].append(1000 * cpu / count)
                    print(
                        f"{workers} worker(s): {rate:.0f} requests/s, "
                        f"{cpu_ms[workers][-1]:.2f} ms of worker CPU a request"
                    )
        load_after = os.getloadavg()[0]

    median = {workers: statistics.median(rates[workers]) for workers in (1, 2)}
    # On a shared machine other work only ever slows a run down, so the best
    # run is the closest to what the server can do; the median is typical.
    best = {workers: max(rates[workers]) for workers in (1, 2)}
    summary = {
        "path": args.path,
        "database": "postgresql",
        "cpus": os.cpu_count(),
        "duration_s": args.duration,
        "runs": args.runs,
        "connections": args.connections,
        # Other work on the machine while measuring (1-minute load average).
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "requests_per_second": {str(w): [round(rate, 1) for rate in rates[w]] for w in (1, 2)},
        "median": {str(w): round(median[w], 1) for w in (1, 2)},
        "best": {str(w): round(best[w], 1) for w in (1, 2)},
        "ratio_2_to_1_median": round(median[2] / median[1], 2),
        "ratio_2_to_1_best": round(best[2] / best[1], 2),
        # Independent of how busy the machine was: what one request costs.
        "worker_cpu_ms_per_request": {
            str(w): round(statistics.median(cpu_ms[w]), 2) for w in (1, 2)
        },
    }
    (RESULTS / "replicas.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for label, figures in (("median", median), ("best", best)):
        print(
            f"{label}: 1 worker {figures[1]:.0f} req/s, 2 workers {figures[2]:.0f} req/s, "
            f"ratio {figures[2] / figures[1]:.2f}"
        )
    cost = statistics.median(cpu_ms[1] + cpu_ms[2])
    print(f"worker CPU a request: {cost:.2f} ms, so one core serves at most {1000 / cost:.0f}/s")
    print(f"load average {load_before:.2f} before, {load_after:.2f} after")


if __name__ == "__main__":
    main()
