"""Logs keep no secrets: calendar-feed tokens and password-reset links are redacted, and a
bad Host header is one warning line, not a traceback mailed to the admins each time."""

import io
import json
import logging
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from ops.redaction import RedactingGunicornLogger, redact_path
from tests.conftest import fresh_settings

FEED_TOKEN = "s3cr3t-feed-token-abcdefghijklmnop"
RESET_UID, RESET_TOKEN = "MQ", "cr4lxp-0123456789abcdef0123456789abcdef"
FEED = f"/history/calendar/{FEED_TOKEN}.ics"
SHARE_TOKEN = "Zq0-3k_rT9aXbC4dE5fG6hI7jK8lM9nO0pQ1rS2tU3v"
RESET = f"/account/password/reset/{RESET_UID}/{RESET_TOKEN}/"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (FEED, "/history/calendar/[redacted].ics"),
        (RESET, "/account/password/reset/[redacted]/[redacted]/"),
        # After the link is used Django moves the token into the session.
        (
            "/account/password/reset/MQ/set-password/",
            "/account/password/reset/[redacted]/set-password/",
        ),
        ("/account/password/reset/", "/account/password/reset/"),
        (
            "/account/signup/IndhbGtlckBleGFtcGxlLmNvbSI:1xZ0Mu:EBKbVpPv/?next=%2F",
            "/account/signup/[redacted]/?next=%2F",
        ),
        ("/account/signup/sent/", "/account/signup/sent/"),
        ("/account/signup/", "/account/signup/"),
        ("/account/password/reset/sent/", "/account/password/reset/sent/"),
        ("/account/password/reset/done/", "/account/password/reset/done/"),
        ("/history/settings/", "/history/settings/"),
        (f"/shared/{SHARE_TOKEN}/", "/shared/[redacted]/"),
        (f"/shared/{SHARE_TOKEN}/record.pdf", "/shared/[redacted]/record.pdf"),
        ("/shared/not-a-token/?x=1", "/shared/[redacted]/?x=1"),
        ("/history/share/3/revoke/", "/history/share/3/revoke/"),
        (
            f'"GET {FEED} HTTP/1.1" 404 179',
            '"GET /history/calendar/[redacted].ics HTTP/1.1" 404 179',
        ),
    ],
)
def test_secret_paths_are_redacted_and_others_left_alone(path, expected):
    assert redact_path(path) == expected


def gunicorn_access_atoms(path: str) -> dict:
    """What gunicorn's access logger formats a line from, for one request."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.2",
        "HTTP_REFERER": f"https://backrelief.example{path}",
        "HTTP_USER_AGENT": "Calendar/1.0",
    }
    request = SimpleNamespace(headers=[("HOST", "backrelief.example"), ("REFERER", path)])
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger = RedactingGunicornLogger(Config())
    return logger.atoms(response, request, environ, timedelta(milliseconds=3))


@pytest.mark.parametrize(("path", "secret"), [(FEED, FEED_TOKEN), (RESET, RESET_TOKEN)])
def test_gunicorns_access_log_never_sees_the_secret(path, secret):
    atoms = gunicorn_access_atoms(path)
    assert "[redacted]" in atoms["U"]
    assert "[redacted]" in atoms["r"]
    assert secret not in json.dumps(atoms, default=str)
    assert atoms["s"] == "200"
    assert atoms["m"] == "GET"


def test_gunicorn_conf_uses_the_redacting_logger():
    result = fresh_settings(
        "import runpy; logger = runpy.run_path('gunicorn.conf.py')['logger_class'];"
        "print(logger.__module__, logger.__name__)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ops.redaction", "RedactingGunicornLogger"]


@pytest.fixture
def console_output():
    """What Django's records print on stdout, through the configured console handler."""
    [console] = [
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler and handler.get_name() == "console"
    ]
    output = io.StringIO()
    previous = console.setStream(output)
    yield output
    console.setStream(previous)


def test_a_wrong_feed_token_is_a_404_that_logs_no_token(client, db, console_output):
    response = client.get(FEED)
    assert response.status_code == 404
    logged = console_output.getvalue()
    assert "Not Found: /history/calendar/[redacted].ics" in logged
    assert FEED_TOKEN not in logged


def test_the_json_log_redacts_the_request_path_too(client, db, console_output):
    from ops.jsonlog import JsonFormatter

    request = SimpleNamespace(method="GET", path=FEED)
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", (FEED,), None
    )
    record.request = request
    entry = json.loads(JsonFormatter().format(record))
    assert entry["path"] == "/history/calendar/[redacted].ics"


# A bad Host header, with the production logging configuration and ADMINS set:
# LOGGING is built when the settings are imported, so in a fresh interpreter.
BAD_HOST = """
import django, json
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test.utils import setup_test_environment

# Static files from the source tree, as in the other tests (no collectstatic).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
call_command("migrate", verbosity=0, interactive=False)
setup_test_environment()  # mail goes to mail.outbox
from django.core import mail
from django.test import Client

response = Client().get("/", HTTP_HOST="attacker.example", secure=True)
print(json.dumps({"status": response.status_code, "mails": len(mail.outbox)}))
"""


@pytest.mark.slow  # a fresh interpreter that migrates a database
def test_a_bad_host_is_one_warning_line_and_mails_nobody(tmp_path):
    result = fresh_settings(
        BAD_HOST,
        DJANGO_SETTINGS_MODULE="backrelief.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="backrelief.example",
        DJANGO_ADMINS="admin@backrelief.example",
        DJANGO_LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    *log_lines, outcome = result.stdout.strip().splitlines()
    assert json.loads(outcome) == {"status": 400, "mails": 0}
    records = [json.loads(line) for line in log_lines]
    assert len(records) == 1, records
    [record] = records
    assert (record["level"], record["logger"]) == ("WARNING", "django.security.DisallowedHost")
    assert "attacker.example" in record["message"]
    assert "exception" not in record
    assert "Traceback" not in result.stdout + result.stderr
