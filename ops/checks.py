"""System checks that refuse a configuration unsafe to put on the internet.

Django runs them before most `manage.py` commands, and errors stop the
command: `runserver`, `migrate`, and `wait_for_db`, which the container's
entrypoint runs before it starts gunicorn, so an unsafe replica never serves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*")


# Django's own deploy check (security.W009) uses these figures, but only
# warns, and only under --deploy; a forgeable session cookie is an error here.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
SECRET_KEY_INSECURE_PREFIX = "django-insecure-"  # noqa: S105 (refused, not used)


def is_strong_secret_key(key: str) -> bool:
    """Long and varied enough to be random, and not the one startproject wrote."""
    from backrelief.settings import _DEVELOPMENT_SECRET_KEY

    return (
        key != _DEVELOPMENT_SECRET_KEY
        and len(key) >= SECRET_KEY_MIN_LENGTH
        and len(set(key)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
        and not key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def is_public_host(host: str) -> bool:
    """Could this ALLOWED_HOSTS entry be reached from the internet?

    Loopback names, `testserver` and private or loopback IP literals (a phone
    on the same Wi-Fi) are not; a domain name or the wildcard is.
    """
    host = host.lower().strip()
    if host in {"localhost", "testserver"} or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return not (address.is_loopback or address.is_private)


@register(Tags.security)
def unsafe_production_configuration(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[Error]:
    from backrelief.settings import _DEVELOPMENT_SECRET_KEY  # the one key never to run with

    errors = []
    public_hosts = [host for host in settings.ALLOWED_HOSTS if is_public_host(host)]
    if settings.DEBUG and public_hosts:
        errors.append(
            Error(
                f"DEBUG is on while the site answers to {', '.join(public_hosts)}.",
                hint="Set DJANGO_DEBUG=false: DEBUG pages show settings and code to anyone.",
                id="ops.E001",
            )
        )
    if not settings.DEBUG and not is_strong_secret_key(settings.SECRET_KEY):
        what = (
            "The development SECRET_KEY is"
            if settings.SECRET_KEY == _DEVELOPMENT_SECRET_KEY
            else "A weak SECRET_KEY (short, repetitive, or startproject's) is"
        )
        errors.append(
            Error(
                f"{what} in use with DEBUG off.",
                hint=f"Set DJANGO_SECRET_KEY to at least {SECRET_KEY_MIN_LENGTH} random "
                "characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="ops.E002",
            )
        )
    return errors


@register(Tags.security)
def client_address_behind_a_proxy(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[Warning]:
    """A trusted proxy header means a proxy in front; then the client's address is in
    X-Forwarded-For. With no proxy counted, every client has the proxy's address and
    django-axes' lock on (email, IP) becomes a lock on the email alone."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is set, so a proxy is in front, but "
                "TRUSTED_PROXY_COUNT is 0: every client has the proxy's address.",
                hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies that append "
                "to X-Forwarded-For (1 behind Caddy or nginx as docs/deploy.md shows).",
                id="ops.W001",
            )
        ]
    return []


@register(Tags.security)
def content_security_policy_forbids_inline_code(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[Error]:
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    errors = []
    for name in ("default-src", "script-src", "style-src"):
        unsafe = [source for source in directives.get(name, []) if source in UNSAFE_SOURCES]
        if unsafe:
            errors.append(
                Error(
                    f"The Content-Security-Policy's {name} allows {', '.join(unsafe)}.",
                    hint="Move the code into a file under static/ instead.",
                    id="ops.E003",
                )
            )
    if "default-src" not in directives:
        errors.append(Error("The Content-Security-Policy has no default-src.", id="ops.E003"))
    return errors
