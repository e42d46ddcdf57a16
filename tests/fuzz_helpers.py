"""What every fuzz test shares: the kinds of input, the checks, and the case count.

The promises checked after every request: no server error, a redirect never
leaves the site, and nothing stored about another person moves
(`footprint` before and after).
"""

from __future__ import annotations

import os
import re
import string
from urllib.parse import urljoin, urlsplit

from django.http import HttpResponse
from hypothesis import strategies as st

from accounts.models import User
from safety.models import DisclaimerAcknowledgement, RedFlagScreening
from sessions.models import (
    CompletedRound,
    ProgressSummary,
    ShareLink,
    TrainingPreferences,
    TrainingSession,
)
from tests.conftest import FUZZ_CASES

# Anything a form field might receive: numbers in and out of range, numbers
# as text, words, emoji, control characters, empty and very long values.
field_values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.integers(min_value=-5, max_value=30).map(str),
    st.text(max_size=40),
    st.text(alphabet=string.digits + ".-+e ", max_size=12),
    st.sampled_from(["", " ", "0", "10", "11", "NaN", "∞", "\uff11\uff12", "\x00", "a" * 5000]),
)
url_segments = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=60),
    st.integers(min_value=0, max_value=2**80).map(str),
)
# Where a `next=` parameter might try to send someone: other sites in every
# spelling browsers accept, scripts, and pages of this site.
HOSTILE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "https://testserver.evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    " javascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/session/",
    "/history/?page=2",
    "/account/",
    "",
]
next_values = st.one_of(
    st.sampled_from(HOSTILE_NEXT),
    st.text(max_size=60),
    st.text(alphabet="/\\:@.%?#&= evilxample\t\n\x00", max_size=24),
    st.text(max_size=40).map(lambda tail: "/" + tail),
)


SHARE_LINK_FIELDS = [field.attname for field in ShareLink._meta.concrete_fields]


def fuzz_case() -> None:
    """Count one generated case (the total is printed at the end of the run)."""
    FUZZ_CASES["count"] += 1
    # "tests/test_fuzz.py::test_it (call)": the test, without the phase.
    FUZZ_CASES["per_test"][os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]] += 1


def checked(response: HttpResponse) -> HttpResponse:
    """The response, once it is known to be no server error and to stay on the site."""
    assert response.status_code < 500, response.status_code
    if 300 <= response.status_code < 400:
        assert_on_site(response["Location"])
    return response


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def assert_on_site(location: str, page: str = "http://testserver/account/") -> None:
    """A redirect target resolves, the way a browser resolves it, to a page of this site.

    Browsers read a backslash as a slash, drop tabs and newlines anywhere, trim
    spaces and control characters at the ends, and take any run of slashes
    after "http:" or at the start as the start of a host name: "/\\evil.example",
    "/\t/evil.example", "///evil.example" and "https:evil.example" are other sites.
    """
    as_read = re.sub(r"[\t\n\r]", "", location.replace("\\", "/")).strip(_C0_AND_SPACE)
    as_read = re.sub(r"^(?i:https?:)/*|^//+", lambda m: m[0].rstrip("/") + "//", as_read)
    target = urlsplit(urljoin(page, as_read))
    assert target.scheme in ("http", "https") and target.netloc == "testserver", location


def footprint(user: User) -> dict:
    """Everything stored about `user` (but the last sign-in's time), to compare later."""
    return {
        "user": [_without_last_login(row) for row in User.objects.filter(pk=user.pk).values()],
        # Staff previews too: a preview that outlived its request would show here.
        "sessions": list(TrainingSession.all_objects.filter(user=user).order_by("pk").values()),
        "rounds": list(CompletedRound.objects.filter(session__user=user).order_by("pk").values()),
        "preferences": list(TrainingPreferences.objects.filter(user=user).values()),
        "progress": list(ProgressSummary.objects.filter(user=user).values()),
        "acknowledgements": list(
            DisclaimerAcknowledgement.objects.filter(user=user).order_by("pk").values()
        ),
        "screenings": list(RedFlagScreening.objects.filter(user=user).order_by("pk").values()),
        # Without the visit counts: opening a shared record counts, by design.
        "share links": list(
            ShareLink.objects.filter(user=user)
            .order_by("pk")
            .values(*(f for f in SHARE_LINK_FIELDS if f not in {"open_count", "last_opened_at"}))
        ),
    }


def _without_last_login(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "last_login"}
