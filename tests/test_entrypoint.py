"""The container's entrypoint, run outside a container: production settings, for real.

The image cannot be built here (no Docker engine), so these tests run its
entrypoint script the way the image does: DEBUG off, static files collected,
gunicorn on a free loopback port. The database is the one this run of the
suite uses: a temporary SQLite file, or a new database on the same PostgreSQL
server when DATABASE_URL points at one (as in CI's second run).
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

# Slow: the image's entrypoint in subprocesses, serving. One server for the
# module's tests, so they stay on one pytest-xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("entrypoint")]

PROJECT = Path(__file__).resolve().parent.parent
ENTRYPOINT = PROJECT / "docker" / "entrypoint.sh"
HOST = "backrelief.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**overrides) -> dict:
    """A clean environment, as the image has: only production's variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.pop("RUN_MIGRATIONS", None)
    return clean | {
        # The virtual environment's python and gunicorn, as the image's PATH has them.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        **overrides,
    }


def run_entrypoint(*command: str, timeout: float = 60, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ENTRYPOINT), *command],
        env=base_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """A fresh, empty database on the engine this run of the suite uses."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path_factory.mktemp('entrypoint') / 'db.sqlite3'}"
        return
    assert database["ENGINE"] == "django.db.backends.postgresql", database["ENGINE"]
    import psycopg

    name = f"backrelief_entrypoint_{uuid.uuid4().hex[:8]}"
    server = {
        "host": database["HOST"] or "localhost",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(server["user"]) + (
        ":" + quote(server["password"]) if server["password"] else ""
    )
    yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def request(self, path: str, *, host: str = HOST, https: bool = True, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": host, **headers}
        if https:
            headers["X-Forwarded-Proto"] = "https"  # as the TLS proxy in front sends it
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        response.text = response.body.decode(errors="replace")
        connection.close()
        return response

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory) -> Iterator[Server]:
    """The entrypoint with RUN_MIGRATIONS=1, serving until the module's tests are done."""
    workdir = tmp_path_factory.mktemp("production")
    static_root = workdir / "staticfiles"
    env = {"DATABASE_URL": database_url, "DJANGO_STATIC_ROOT": str(static_root)}
    # What the image's build does once.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=PROJECT,
        env=base_env(**env),
        check=True,
        timeout=120,
    )
    port = free_port()
    log = workdir / "server.log"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(ENTRYPOINT)],
            env=base_env(
                **env,
                RUN_MIGRATIONS="1",
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_WORKERS="1",
                GUNICORN_THREADS="2",
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process, log)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            returncode = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert returncode == 0, "gunicorn did not stop cleanly:\n" + log.read_text()


def wait_until_healthy(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail("the entrypoint exited early:\n" + server.log.read_text())
        try:
            if server.request("/healthz", host="127.0.0.1", https=False).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"no answer from /healthz after {timeout} s:\n" + server.log.read_text())


# --- A production server, started by the entrypoint ---------------------------


def test_the_health_probe_answers_by_ip_over_plain_http(server):
    response = server.request("/healthz", host="127.0.0.1", https=False)
    assert response.status == 200
    assert response.text == "ok\n"
    assert "no-store" in response.getheader("Cache-Control")


def test_migrations_and_the_seed_ran(server):
    response = server.request("/")
    assert response.status == 200
    assert "Single Leg Glute Bridge" in response.text
    assert "/static/css/app." in response.text  # hashed by collectstatic's manifest


def test_plain_http_is_redirected_to_https(server):
    response = server.request("/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/"


def test_a_page_carries_every_security_header(server):
    response = server.request("/")
    headers = {name.lower(): value for name, value in response.getheaders()}
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


def test_cookies_are_secure_and_http_only(server):
    response = server.request("/admin/login/")
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("csrftoken=")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_another_host_is_refused(server):
    assert server.request("/", host="attacker.example").status == 400


def test_errors_are_our_pages(server):
    response = server.request("/no-such-page/")
    assert response.status == 404
    assert "We cannot find that page" in response.text


def test_static_files_are_served_compressed(server):
    page = server.request("/").text
    css = page.split('href="/static/css/app.')[1].split('"')[0]
    response = server.request(f"/static/css/app.{css}", **{"Accept-Encoding": "br, gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "br"
    assert "immutable" in response.getheader("Cache-Control")


def json_records(server: Server) -> list[dict]:
    # Lines before gunicorn's are the output of migrate and seed_protocol.
    return [json.loads(line) for line in server.log_lines() if line.startswith("{")]


def test_logs_are_json_lines_on_stdout(server):
    server.request("/healthz", host="127.0.0.1", https=False)
    server.request("/history/calendar/feed-token-do-not-log-me.ics")
    server.request("/logged-as-not-found/?token=do-not-log-me")
    # Workers write their access lines in any order: wait for all three.
    expected = {"/healthz", "/history/calendar/[redacted].ics", "/logged-as-not-found/"}
    deadline = time.monotonic() + 10
    while True:
        records = json_records(server)
        access = [r for r in records if r["logger"] == "gunicorn.access"]
        if expected <= {r["path"] for r in access}:
            break
        assert time.monotonic() < deadline, "no access log line for the requests"
        time.sleep(0.1)

    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert "do-not-log-me" not in server.log.read_text(encoding="utf-8")
    assert any(r["path"] == "/history/calendar/[redacted].ics" for r in access)
    assert any(r["path"] == "/healthz" and r["status"] == 200 for r in access)
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )
    [not_found] = [
        r
        for r in records
        if r.get("path") == "/logged-as-not-found/" and r["logger"] == "django.request"
    ]
    assert (not_found["level"], not_found["status"]) == ("WARNING", 404)


# --- The entrypoint's other paths, quick: no gunicorn -------------------------


def test_without_run_migrations_nothing_is_migrated(tmp_path):
    result = run_entrypoint(
        *("python", "manage.py", "showmigrations", "protocols"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "The database is ready." in result.stdout
    assert "[ ] 0001_initial" in result.stdout


def test_a_bad_run_migrations_value_stops_the_start(tmp_path):
    result = run_entrypoint(
        "true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", RUN_MIGRATIONS="yes"
    )
    assert result.returncode == 2
    assert "RUN_MIGRATIONS=yes is not 0 or 1." in result.stderr


def test_it_gives_up_on_a_database_that_never_answers():
    started = time.monotonic()
    result = run_entrypoint(
        "true",
        DATABASE_URL=f"postgres://nobody@127.0.0.1:{free_port()}/nothing",
        DATABASE_WAIT_TIMEOUT="2",
    )
    assert result.returncode != 0
    assert "The database did not answer within 2 seconds" in result.stderr
    assert time.monotonic() - started < 30


def test_it_refuses_to_start_debug_on_a_public_host(tmp_path):
    result = run_entrypoint(
        "true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="true"
    )
    assert result.returncode != 0
    assert "ops.E001" in result.stderr


def test_it_refuses_to_start_with_a_weak_secret_key(tmp_path):
    result = run_entrypoint(
        "true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_SECRET_KEY="x" * 50
    )
    assert result.returncode != 0
    assert "ops.E002" in result.stderr
