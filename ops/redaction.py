"""Secrets out of the logs: the URLs that are themselves a key.

A calendar feed's URL is the only thing that opens it, a password-reset link
signs its holder in, a sign-up link lets its holder choose the password
of the address it was sent to, and a share link opens someone's training
record; all four would sit in every log line about them. One
`redact_path()` serves gunicorn's access log (`RedactingGunicornLogger`, set
in gunicorn.conf.py) and Django's records (`RedactPaths`, on the handlers in
settings.LOGGING), so the two logs can never disagree about what is secret.

Imported by gunicorn.conf.py before Django is set up: the standard library
and gunicorn only.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"

# sessions/history_urls.py: calendar/<token>.ics. Whatever follows calendar/,
# so that a wrong token (a 404) is hidden as well as a right one.
_FEED = re.compile(r"(/history/calendar/)[^\s\"'?#]+?(\.ics)?(?=[\s\"'?#]|$)")
# accounts/urls.py: password/reset/<uidb64>/<token>/. After the link is opened
# Django swaps the token for "set-password" (it keeps the token in the session).
_RESET = re.compile(r"(/password/reset/)([^/\s\"'?#]+)/([^/\s\"'?#]+)")


# accounts/urls.py: signup/<token>/, but not signup/sent/.
_SIGNUP = re.compile(r"(/account/signup/)(?!sent/)[^/\s\"'?#]+")

# sessions/shared_urls.py: shared/<token>/ and shared/<token>/record.pdf. A
# share link opens someone's training record to whoever holds it.
_SHARED = re.compile(r"(/shared/)[^/\s\"'?#]+")


def _reset(match: re.Match) -> str:
    token = match[3] if match[3] == "set-password" else REDACTED
    return f"{match[1]}{REDACTED}/{token}"


def redact_path(text: str) -> str:
    """`text` (a path, a request line, a URL, a log message) without feed tokens,
    password-reset, sign-up or share links; anything else is left as it is."""
    if "/calendar/" in text:
        text = _FEED.sub(lambda match: f"{match[1]}{REDACTED}{match[2] or ''}", text)
    if "/password/reset/" in text:
        text = _RESET.sub(_reset, text)
    if "/signup/" in text:
        text = _SIGNUP.sub(lambda match: f"{match[1]}{REDACTED}", text)
    if "/shared/" in text:
        text = _SHARED.sub(lambda match: f"{match[1]}{REDACTED}", text)
    return text


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, with every string atom of the access log redacted.

    Every atom, not only the path (`U`): the request line (`r`), the referrer
    (`f`) and any header or environ atom may hold the URL, and a later change
    to access_log_format must not bring the secret back.
    """

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact_path(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


class RedactPaths(logging.Filter):
    """Redact a record's message ("Not Found: /history/calendar/<token>.ics").

    On the handlers rather than on single loggers, so that it covers every
    logger that names a path: django.request, django.server,
    django.security.csrf and whatever comes next.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_path(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class AsOneLineWarning(logging.Filter):
    """A record at WARNING without its traceback.

    For `django.security.DisallowedHost`: a request for another host name is
    the internet's background noise (scanners, stale DNS), answered with a
    400; it deserves a line, not an ERROR with a traceback mailed each time.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info, record.exc_text = None, None
        return True
