"""`/healthz`: what a load balancer and the image's HEALTHCHECK ask before sending traffic."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

HEALTH = "/healthz"


@pytest.fixture
def database_down(db):
    """Every new cursor fails, as when PostgreSQL is down (undone before the test DB is)."""
    refused = OperationalError("connection refused")
    with mock.patch.object(connection, "cursor", side_effect=refused):
        yield


def test_it_answers_ok_when_the_database_does(client, db):
    response = client.get(HEALTH)
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_it_is_never_cached(client, db):
    cache_control = client.get(HEALTH)["Cache-Control"]
    assert "no-store" in cache_control
    assert "no-cache" in cache_control


def test_it_answers_503_when_the_database_is_down(client, database_down, caplog):
    response = client.get(HEALTH)
    assert response.status_code == 503
    assert b"database unavailable" in response.content
    assert "no-store" in response["Cache-Control"]
    # One log line per failed probe, not a traceback and an admin email each.
    [record] = caplog.records
    assert record.getMessage() == "Health check failed: connection refused"


def test_it_costs_one_query_and_no_session(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(HEALTH)
    assert not response.cookies
    assert "Vary" not in response


def test_a_probe_by_ip_address_is_answered(client, db, settings):
    """Load balancers send the replica's address as Host, which ALLOWED_HOSTS refuses."""
    settings.ALLOWED_HOSTS = ["backrelief.example"]
    assert client.get(HEALTH, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_a_plain_http_probe_is_not_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(HEALTH).status_code == 200
    assert client.get("/").status_code == 301


def test_only_the_exact_path_is_the_probe(client, db):
    assert client.get("/healthz/").status_code == 404
    assert client.get("/healthzz").status_code == 404


# --- wait_for_db, which the entrypoint runs first ------------------------------


# wait_for_db closes its connection between tries, which a test transaction
# would not survive: these tests use transactional_db.


def test_wait_for_db_returns_once_the_database_answers(transactional_db, capsys):
    call_command("wait_for_db", timeout=2)
    assert "The database is ready." in capsys.readouterr().out


def test_wait_for_db_gives_up_after_its_timeout(database_down):
    with pytest.raises(CommandError, match=r"did not answer within 0\.3 seconds"):
        call_command("wait_for_db", timeout=0.3, interval=0.1)


def test_wait_for_db_retries_until_the_database_is_up(transactional_db, capsys):
    real_cursor = connection.cursor
    failures = iter([OperationalError("starting up"), OperationalError("starting up")])

    def flaky_cursor(*args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_cursor(*args, **kwargs)

    with mock.patch.object(connection, "cursor", flaky_cursor):
        call_command("wait_for_db", timeout=5, interval=0.01)
    output = capsys.readouterr()
    assert output.err.count("Waiting for the database") == 2
    assert "The database is ready." in output.out
