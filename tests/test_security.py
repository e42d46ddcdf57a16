"""Production settings: `check --deploy` is clean, and every response carries the headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from backrelief.settings import env_proxy_ssl_header
from ops.checks import (
    client_address_behind_a_proxy,
    content_security_policy_forbids_inline_code,
    is_public_host,
    unsafe_production_configuration,
)

PROJECT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "backrelief.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://backrelief.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
}


def production_env(**overrides) -> dict:
    """This process's environment without our variables, plus production's."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return clean | PRODUCTION_ENV | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)} | overrides


def manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.slow  # manage.py in a subprocess
def test_check_deploy_finds_no_issues_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.slow  # manage.py in a subprocess
def test_check_deploy_needs_nothing_but_the_three_required_variables():
    """HTTPS redirect, HSTS and secure cookies are on by default once DEBUG is off."""
    minimal = {"DJANGO_CSRF_TRUSTED_ORIGINS": "", "DJANGO_SECURE_PROXY_SSL_HEADER": ""}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **minimal)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # manage.py in a subprocess
def test_a_trusted_proxy_header_without_a_proxy_count_is_reported():
    result = manage("check", "--deploy", DJANGO_TRUSTED_PROXY_COUNT="")
    assert "ops.W001" in result.stderr


@pytest.mark.slow  # manage.py in a subprocess
def test_turning_hsts_preload_off_is_reported():
    result = manage("check", "--deploy", DJANGO_SECURE_HSTS_PRELOAD="false")
    assert "security.W021" in result.stderr


@pytest.mark.slow  # manage.py in subprocesses
def test_debug_with_a_public_host_stops_manage_commands():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode != 0
    assert "ops.E001" in result.stderr
    assert "backrelief.example" in result.stderr


# --- Headers, in development and tests too ------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_every_page_sends_a_csp_without_unsafe_inline(client, protocol):
    response = client.get("/")
    directives = csp_directives(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


def test_every_page_sends_the_other_security_headers(client, protocol):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_the_admin_login_page_gets_the_same_policy(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("", None),
    ],
)
def test_the_proxy_header_is_named_as_the_proxy_sends_it(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_HEADER", value)
    assert env_proxy_ssl_header("SOME_HEADER") == expected


def test_a_malformed_proxy_header_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_HEADER", "X-Forwarded-Proto: https")
    with pytest.raises(ImproperlyConfigured, match="SOME_HEADER"):
        env_proxy_ssl_header("SOME_HEADER")


# --- The system checks ------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("localhost", False),
        ("127.0.0.1", False),
        ("[::1]", False),
        ("app.localhost", False),
        ("192.168.1.20", False),
        ("testserver", False),
        ("backrelief.example", True),
        ("*", True),
        (".example.org", True),
        ("1.1.1.1", True),
    ],
)
def test_which_hosts_count_as_public(host, public):
    assert is_public_host(host) is public


def error_ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_debug_on_with_a_public_host_is_an_error():
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["localhost", "backrelief.example"]):
        errors = unsafe_production_configuration(None)
    assert error_ids(errors) == ["ops.E001"]
    assert "backrelief.example" in errors[0].msg


def test_debug_on_a_phone_on_the_same_wifi_is_fine():
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["localhost", "192.168.1.20"]):
        assert unsafe_production_configuration(None) == []


@pytest.mark.parametrize(
    "key",
    [
        "development-only-not-secret",
        "x" * 50,  # long, but one character
        "abcd" * 13,  # long, but four different characters
        "a-shorter-but-varied-key-of-40-chars-ok!",
        # What startproject writes; a literal, so that every pytest-xdist
        # worker collects the same test id.
        "django-insecure-k3v9q7w2x8m4n6p1r5t0y2u8i4o6a3s9d7f1g5h0j2l8z4c6b1",
    ],
)
def test_a_weak_secret_key_with_debug_off_is_an_error(key):
    """As Django's deploy check (security.W009): 50 characters, 5 different, not startproject's."""
    with override_settings(DEBUG=False, SECRET_KEY=key):
        assert error_ids(unsafe_production_configuration(None)) == ["ops.E002"]


def test_a_long_random_secret_key_passes():
    with override_settings(DEBUG=False, SECRET_KEY=secrets.token_urlsafe(50)):
        assert unsafe_production_configuration(None) == []


def test_unsafe_inline_in_the_policy_is_an_error(settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]}
    }
    assert error_ids(content_security_policy_forbids_inline_code(None)) == ["ops.E003"]


def test_the_policy_as_configured_passes(settings):
    assert content_security_policy_forbids_inline_code(None) == []


def test_a_proxy_header_with_no_proxy_count_is_a_warning():
    """Behind a proxy every client arrives from its address: login locks would be per email."""
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        with override_settings(TRUSTED_PROXY_COUNT=0):
            warnings = client_address_behind_a_proxy(None)
        with override_settings(TRUSTED_PROXY_COUNT=1):
            assert client_address_behind_a_proxy(None) == []
    assert error_ids(warnings) == ["ops.W001"]
    assert "DJANGO_TRUSTED_PROXY_COUNT" in warnings[0].hint


def test_reached_directly_no_proxy_count_is_needed():
    with override_settings(SECURE_PROXY_SSL_HEADER=None, TRUSTED_PROXY_COUNT=0):
        assert client_address_behind_a_proxy(None) == []
