"""Our own 400, 403, 404 and 500 pages, as production shows them (DEBUG off)."""

import json
import logging

import pytest
from django.template.loader import render_to_string
from django.test import Client

from ops.jsonlog import JsonFormatter

pytestmark = pytest.mark.urls("tests.urls_errors")


@pytest.fixture
def browser_client() -> Client:
    """A client that gets the error page a browser would, not the exception."""
    return Client(raise_request_exception=False)


def test_tests_run_with_debug_off(settings):
    assert settings.DEBUG is False


def test_an_unknown_page_is_our_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "We cannot find that page" in content
    assert "Find a skilled practitioner" in content  # the site's own layout
    assert "Content-Security-Policy" in response


def test_a_bug_is_our_500_and_an_error_log_line(browser_client, db, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    response = browser_client.get("/test-errors/boom/")

    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong on our side" in content
    assert "boom" not in content
    assert "unsafe-inline" not in response["Content-Security-Policy"]

    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR"
    assert (line["status"], line["method"], line["path"]) == (500, "GET", "/test-errors/boom/")
    assert "RuntimeError: boom: a bug in a view" in line["exception"]


def test_the_500_page_needs_neither_a_request_nor_the_database():
    """Without the `db` fixture, any query here would fail the test."""
    content = render_to_string("500.html")
    assert "Something went wrong on our side" in content
    assert 'href="/"' in content


def test_a_forbidden_page_is_our_403(browser_client, db):
    response = browser_client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_an_expired_form_is_our_csrf_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Please try that again" in response.content.decode()


def test_a_request_for_another_host_is_our_400(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "did not make sense" in response.content.decode()
