"""Helpers shared by the benchmark scripts: a throwaway server, bounded load, medians."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# One per run, shared by every server it starts (their sessions must agree),
# and strong enough for the production check (ops.E002).
SECRET_KEY = secrets.token_urlsafe(50)
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# Flags that let Debian's chromium run offline, as root, without a GPU
# (tests/conftest.py launches the test browser with the same).
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(
    workdir: Path,
    database_url: str | None,
    redis_url: str | None = None,
) -> dict:
    """Production-like settings (DEBUG off) on a throwaway database.

    `redis_url` sets REDIS_URL (every cache, the login cache too, in Redis).
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        # Plain HTTP on loopback, as behind the TLS proxy in production.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


class Gunicorn:
    """A throwaway gunicorn on one loopback port, which can be killed and started again there.

    It runs in a process group of its own, so `kill()` takes the master and
    its workers down at once, as a crashed machine or container would. Its
    log (gunicorn's and Django's, warnings and up) goes to `log_path`.
    """

    def __init__(self, env: dict, log_path: Path, workers: int = 2, threads: int = 1) -> None:
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        """Start serving and return once a request gets an answer."""
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    GUNICORN,
                    "backrelief.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    f"--threads={self.threads}",
                    "--log-level=warning",
                ],
                cwd=PROJECT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.base + "/bench/trivial/", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("gunicorn did not start:\n" + self.log_tail()) from None
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the master and every worker: requests in flight die with them."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, a graceful stop: requests in flight finish, new ones are refused."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the master and its workers have used so far.

        On a shared machine requests per second swing with whatever else
        runs; CPU seconds per request do not, so they measure capacity.
        """
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.process.pid:  # process group: the server's
                    ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Serve the app on a free loopback port; yield its base URL; stop it after."""
    with tempfile.TemporaryDirectory(prefix="backrelief-gunicorn-") as logs:
        server = Gunicorn(env, Path(logs) / "gunicorn.log", workers=workers, threads=threads)
        server.start()
        try:
            yield server.base
        finally:
            server.stop(timeout=20)


WRK_SCRIPT = """
targets = {%s}
counter = 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  return wrk.format("GET", target[1], {["Cookie"] = target[2]})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.duration))
end
"""


def wrk(base: str, targets: list[tuple[str, str]], seconds: int = 5, connections: int = 8) -> dict:
    """Drive (path, cookie) targets in turn for a fixed time: keep-alive clients, one thread."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(f'{{"{p}", "{c}"}}' for p, c in targets))
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout=10s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", output)
    requests, errors, p50, p95, micros = match.groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(requests),
        "rps": int(requests) / (int(micros) / 1e6),
        "errors": int(errors) + (int(non_2xx.group(1)) if non_2xx else 0),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
    }


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def person_through_the_gate(email: str, **fields):
    """A new user, signed in and through the safety gate; returns (user, session cookie value).

    As tests/conftest.py's clear_safety_gate: the current disclaimer read, no
    red flags today, so every guided screen answers with the screen itself
    rather than a redirect to the gate. No password: sign-in is force_login,
    and hashing one per person would take most of a benchmark's setup.
    Call after django.setup().
    """
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from safety.models import Disclaimer, DisclaimerAcknowledgement, RedFlag, RedFlagScreening

    user = User.objects.create_user(email, None, **fields)
    DisclaimerAcknowledgement.objects.create(user=user, disclaimer=Disclaimer.objects.current())
    RedFlagScreening.objects.create(user=user, answers={flag.value: False for flag in RedFlag})
    client = Client()
    client.force_login(user)
    return user, client.cookies[settings.SESSION_COOKIE_NAME].value


PG_BIN = Path("/usr/lib/postgresql/15/bin")


def add_database_arguments(parser) -> None:
    """--database-url or --postgresql; neither: SQLite in the run's own folder."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    where.add_argument(
        "--postgresql",
        action="store_true",
        help="start a throwaway PostgreSQL 15 server for the run (as root, like .ci/run)",
    )


def chosen_database(args) -> contextlib.AbstractContextManager[str | None]:
    """The database URL the arguments ask for (None: SQLite), for as long as the run lasts."""
    if args.postgresql:
        return throwaway_postgresql()
    return contextlib.nullcontext(args.database_url)


@contextlib.contextmanager
def throwaway_postgresql() -> Iterator[str]:
    """A PostgreSQL 15 server in a temporary folder, on a free loopback port."""
    if not (PG_BIN / "initdb").exists():
        sys.exit("PostgreSQL 15 is not installed: apt-get install postgresql-15")
    folder = Path(tempfile.mkdtemp(prefix="backrelief-bench-pg."))
    shutil.chown(folder, "postgres")
    port = free_port()
    data = folder / "data"

    def as_postgres(*command: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL
        )

    as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    as_postgres(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(folder / "server.log"),
        "-w",
        "-o",
        options,
        "start",
    )
    try:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE backrelief")
        yield f"postgres://postgres@127.0.0.1:{port}/backrelief"
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "stop",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(folder, ignore_errors=True)


class RedisServer:
    """A throwaway redis-server on a free loopback port, nothing saved to disk.

    `stop()` kills it as a crash would (SIGKILL), `start()` brings it back
    empty on the same port: what tests and benchmarks do to an outage.
    """

    def __init__(self, folder: Path) -> None:
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is not installed: apt-get install redis-server")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        self.process = None


@contextlib.contextmanager
def throwaway_redis() -> Iterator[RedisServer]:
    """A redis-server for as long as the block lasts (see RedisServer)."""
    with tempfile.TemporaryDirectory(prefix="backrelief-redis-") as folder:
        server = RedisServer(Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()
