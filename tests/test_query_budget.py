"""The query budget: at most six queries a page, as many for 5 000 past sessions as for none.

One test walks two people through the same states, page by page: alice
with no past sessions, bob with 5 000 (45 000 rounds, written in bulk once),
from no session in progress, to one at a step and at a rest, to a finished
one, to a red flag answered today. Each page is fetched once to warm the
caches, as in production, and then counted. The access sweep's
classification lists the pages, so a new page fails here until it is walked.

One difference is by design: with no sessions at all, the history list
has no rows to fetch, and costs one query fewer. The table is printed at the
end of the run (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from protocols.models import Exercise, Protocol
from safety.models import RedFlag, RedFlagScreening
from sessions.models import ShareLink, TrainingPreferences, TrainingSession
from tests.conftest import QUERY_COUNTS, clear_safety_gate
from tests.history_helpers import many_past_sessions
from tests.test_access_sweep import OWNED, PUBLIC, SIGNED_IN, TOKEN, stored_upload

# Slow: 5 000 past sessions and ten protocols.
pytestmark = pytest.mark.slow

BUDGET = 6
LONG_HISTORY = 5_000
# With no sessions at all these skip fetching the page's rows: one query fewer.
EMPTY_HISTORY_SAVES_A_QUERY = {
    "history:list",
    "history:list (page 2)",
    "history:list (one protocol)",
}
# The library: the seed's and nine more, every one published.
PROTOCOLS = 10


def count_queries(client: Client, url: str) -> tuple[int, int]:
    """(status, queries) of a GET, once the caches are warm, as they are in production."""
    fetch(client, url)
    with CaptureQueriesContext(connection) as captured:
        response = fetch(client, url)
    return response.status_code, len(captured)


def fetch(client: Client, url: str):
    response = client.get(url)
    if response.streaming:  # the CSV export queries as it streams; media files stream too
        b"".join(response.streaming_content)
    return response


def pages_at_rest(protocol: Protocol, token: str, share: str) -> dict[str, str]:
    """Pages with no session in their URL."""
    return {
        "protocols:home": reverse("protocols:home"),
        "safety:public_disclaimer": reverse("safety:public_disclaimer"),
        "protocols:featured": reverse("protocols:featured"),
        "protocols:list": reverse("protocols:list"),
        "protocols:protocol": reverse("protocols:protocol", args=[protocol.slug]),
        "protocols:exercise": reverse("protocols:exercise", args=[Exercise.objects.first().slug]),
        "accounts:signup": reverse("accounts:signup"),
        "accounts:signup_sent": reverse("accounts:signup_sent"),
        "accounts:signup_complete": reverse("accounts:signup_complete", args=["not-a-token"]),
        "accounts:login": reverse("accounts:login"),
        "accounts:password_reset": reverse("accounts:password_reset"),
        "accounts:password_reset_done": reverse("accounts:password_reset_done"),
        "accounts:password_reset_confirm": reverse(
            "accounts:password_reset_confirm", args=["MQ", "set-password"]
        ),
        "accounts:password_reset_complete": reverse("accounts:password_reset_complete"),
        "ops:service-worker": reverse("ops:service-worker"),
        "ops:offline": reverse("ops:offline"),
        "protocols:media": reverse("protocols:media", args=[stored_upload()]),
        "training_sessions:start": reverse("training_sessions:start"),
        "training_sessions:start_protocol": reverse(
            "training_sessions:start_protocol", args=[protocol.slug]
        ),
        "accounts:account": reverse("accounts:account"),
        "accounts:delete": reverse("accounts:delete"),
        "accounts:password_change": reverse("accounts:password_change"),
        "accounts:password_change_done": reverse("accounts:password_change_done"),
        "safety:disclaimer": reverse("safety:disclaimer"),
        "safety:screening": reverse("safety:screening"),
        "history:list": reverse("history:list"),
        "history:list (page 2)": reverse("history:list") + "?page=2",
        "history:list (one protocol)": f"{reverse('history:list')}?protocol={protocol.pk}",
        "history:export_csv": reverse("history:export_csv"),
        "history:print": reverse("history:print"),
        "history:print (4 weeks)": reverse("history:print") + "?weeks=4",
        "history:settings": reverse("history:settings"),
        "history:calendar_feed": reverse("history:calendar_feed", args=[token]),
        "sharing:links": reverse("sharing:links"),
        "sharing:own_pdf": reverse("sharing:own_pdf"),
        "shared:record": reverse("shared:record", args=[share]),
        "shared:pdf": reverse("shared:pdf", args=[share]),
    }


def walk(client: Client, user, protocol: Protocol) -> dict[str, tuple[int, int]]:
    """(status, queries) of every page, in every state a session goes through."""
    token = TrainingPreferences.objects.get(user=user).feed_token
    ShareLink.create_for(user, label="old", display_name="Pat", days=7, include_notes=True)
    _, share = ShareLink.create_for(user, label="physio", display_name="Pat", days=30)
    measured = {}

    def measure(state: str, pages: dict[str, str]) -> None:
        for name, url in pages.items():
            measured[f"{name} [{state}]" if state else name] = count_queries(client, url)

    measure("", pages_at_rest(protocol, token, share))
    # A session in progress, at its first step.
    session = TrainingSession.start(user, Protocol.objects.with_exercises().get(pk=protocol.pk), 4)
    measure(
        "at a step",
        {
            "training_sessions:session": session.get_absolute_url(),
            "training_sessions:end": reverse("training_sessions:end", args=[session.pk]),
            "training_sessions:start": reverse("training_sessions:start"),
            "history:list": reverse("history:list"),
        },
    )
    # ... resting after its first round.
    while not session.resting:
        session.complete_step(session.steps_done + 1)
    measure("at a rest", {"training_sessions:session": session.get_absolute_url()})
    # ... and finished.
    while session.is_in_progress:
        session.end_rest(session.steps_done)
        session.complete_step(session.steps_done + 1)
    measure(
        "finished",
        {
            "training_sessions:finish": reverse("training_sessions:finish", args=[session.pk]),
            "training_sessions:summary": reverse("training_sessions:summary", args=[session.pk]),
            "history:detail": reverse("history:detail", args=[session.pk]),
            "history:delete": reverse("history:delete", args=[session.pk]),
            "history:list": reverse("history:list"),
        },
    )
    # A red flag today: the urgent-care page.
    RedFlagScreening.objects.create(user=user, answers={RedFlag.LEG_WEAKNESS.value: True})
    measure("red flag", {"safety:screening_result": reverse("safety:screening_result")})
    # A lasting fact, no clinician's go-ahead yet: the check-first page.
    RedFlagScreening.objects.create(user=user, answers={RedFlag.CANCER.value: True})
    measure("lasting fact", {"safety:clearance": reverse("safety:clearance")})
    return measured


def more_protocols(protocol: Protocol, count: int) -> None:
    """`count` more published protocols, each a copy of the seed's, as admin's action makes."""
    from protocols.admin import duplicate

    for _ in range(count):
        copy = duplicate(protocol)
        copy.status = Protocol.Status.PUBLISHED
        copy.save()


@pytest.fixture
def people(alice, bob, protocol, disclaimer):
    more_protocols(protocol, PROTOCOLS - 1)
    for person in (alice, bob):
        clear_safety_gate(person)
        TrainingPreferences.objects.create(user=person, time_zone="Europe/London")
    many_past_sessions(bob, LONG_HISTORY, with_plans=False)
    return alice, bob


def test_every_page_costs_the_same_for_no_history_and_5000_sessions(people, protocol):
    counts = {}
    for person in people:
        client = Client()
        client.force_login(person)
        counts[person.email] = walk(client, person, protocol)
    none, many = (counts[person.email] for person in people)

    walked = {name.split(" ")[0] for name in none}
    assert walked == PUBLIC | SIGNED_IN | OWNED | TOKEN, "walk the pages the sweep lists"
    assert Protocol.objects.published().count() == PROTOCOLS
    QUERY_COUNTS.update({page: (none[page][1], many[page][1]) for page in none})
    over = [
        f"{page}: {none[page][1]} queries (status {none[page][0]}) with no past sessions, "
        f"{many[page][1]} (status {many[page][0]}) with {LONG_HISTORY}"
        for page in none
        if many[page][1] > BUDGET or none[page] != expected(page, many[page])
    ]
    assert not over, "\n".join(over)


def expected(page: str, with_history: tuple[int, int]) -> tuple[int, int]:
    """What a page should cost with no past sessions, given what it costs with 5 000."""
    status, queries = with_history
    return status, queries - (page in EMPTY_HISTORY_SAVES_A_QUERY)


def test_a_staff_preview_costs_the_same_with_10_protocols(people, protocol, coach):
    """The preview's start page, and its step screen, for a coach; people get a 404."""
    clear_safety_gate(coach)
    client = Client()
    client.force_login(coach)
    preview_url = reverse("training_sessions:preview", args=[protocol.slug])
    status, queries = count_queries(client, preview_url)
    assert (status, queries) == (200, queries) and queries <= BUDGET
    client.post(preview_url, {"pain_before": 3})
    session = TrainingSession.all_objects.get(user=coach, preview=True)
    status, step_queries = count_queries(client, session.get_absolute_url())
    assert status == 200 and step_queries <= BUDGET
    QUERY_COUNTS.update(
        {
            "training_sessions:preview (staff)": (queries, queries),
            "training_sessions:session [preview]": (step_queries, step_queries),
        }
    )
