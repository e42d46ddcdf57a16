"""Fuzzing every page's query string, and the coach's admin lists with any filter.

The pages come from the access sweep's classification, so a new page is
fuzzed as soon as it is classified there. A GET changes nothing: nobody's
records move, whoever asks and whatever the query says.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from protocols.models import Exercise, Protocol
from sessions.models import ShareLink, TrainingPreferences, TrainingSession
from tests.conftest import clear_safety_gate
from tests.fuzz_helpers import checked, field_values, footprint, fuzz_case, next_values
from tests.test_access_sweep import OWNED, PUBLIC, SIGNED_IN, TOKEN, stored_upload

pytestmark = pytest.mark.django_db

PAGES = sorted(PUBLIC | SIGNED_IN | OWNED | TOKEN)
# The parameters some page reads, and anything else.
parameter_names = st.sampled_from(
    [
        "page",
        "weeks",
        "next",
        "q",
        "pain_before",
        "step",
        "after_step",
        "e",
        "format",
        "o",
        "protocol",
    ]
) | st.text(max_size=12)
query_strings = st.dictionaries(parameter_names, field_values | next_values, max_size=4)


@pytest.fixture
def people(alice, bob, protocol, disclaimer) -> dict[str, Client]:
    """Nobody, alice (a session in progress, settings saved) and bob, each in a browser."""
    clear_safety_gate(alice)
    clear_safety_gate(bob)
    clients = {"nobody": Client(), "alice": Client(), "bob": Client()}
    clients["alice"].force_login(alice)
    clients["bob"].force_login(bob)
    return clients


@pytest.fixture
def arguments(alice, protocol) -> dict:
    """The URL arguments of every page: alice's session, her calendar and share links, the
    protocol."""
    session = TrainingSession.start(alice, Protocol.objects.with_exercises().get(), 3)
    session.complete_step(1)
    preferences = TrainingPreferences.objects.create(user=alice, training_days=[0, 3])
    _, share = ShareLink.create_for(alice, label="physio", display_name="Alice", days=30)
    return {
        "accounts:signup_complete": {"token": "not-a-token"},
        "protocols:media": {"name": stored_upload()},
        "shared:record": {"token": share},
        "shared:pdf": {"token": share},
        "protocols:protocol": {"slug": protocol.slug},
        "training_sessions:start_protocol": {"slug": protocol.slug},
        "protocols:exercise": {"slug": Exercise.objects.first().slug},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "history:calendar_feed": {"token": preferences.feed_token},
        "owned": {"session_id": session.pk},
    }


@given(name=st.sampled_from(PAGES), query=query_strings)
def test_every_page_with_any_query_string(people, arguments, alice, bob, name, query):
    fuzz_case()
    kwargs = arguments.get(name) or (arguments["owned"] if name in OWNED else {})
    url = reverse(name, kwargs=kwargs)
    before = {user.pk: footprint(user) for user in (alice, bob)}
    for client in people.values():
        response = checked(client.get(url, query))
        if response.streaming:
            b"".join(response.streaming_content)
    assert {user.pk: footprint(user) for user in (alice, bob)} == before


LOOKUPS = ["__exact", "__id__exact", "__gte", "__lt", "__isnull", "__in", "__year"]
COMMON = ["q", "o", "p", "e", "all", "_to_field", "_popup", "_facets"]


def filter_names(model_admin) -> list[str]:
    """The query parameters a model's admin list reads: its filters' and its own."""
    names = list(COMMON)
    for entry in model_admin.list_filter:
        field = entry if isinstance(entry, str) else getattr(entry, "parameter_name", None)
        if isinstance(entry, tuple):
            field = entry[0]
        names += [f"{field}{lookup}" for lookup in LOOKUPS] if field else []
    return names


ADMIN_LISTS = {
    reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"): model_admin
    for model, model_admin in admin.site._registry.items()
}
any_value = (
    field_values
    | st.integers(min_value=-1, max_value=10_000).map(str)
    | st.sampled_from(["9999", "99999999999999999999", "2025", "12", "31", "0", "1.2.-3"])
)


@given(data=st.data())
def test_admin_lists_with_any_filter(client, coach, alice_session, data):
    url = data.draw(st.sampled_from(sorted(ADMIN_LISTS)), label="list")
    model_admin = ADMIN_LISTS[url]
    queries = st.dictionaries(st.sampled_from(filter_names(model_admin)), any_value, max_size=4)
    if model_admin.date_hierarchy:  # and the date drill-down: year, then month, then day
        parts = [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        queries |= st.fixed_dictionaries({}, optional=dict.fromkeys(parts, any_value))
    query = data.draw(queries, label="query")
    fuzz_case()  # counted once its input is drawn
    client.force_login(coach)
    before = footprint(alice_session.user)
    checked(client.get(url, query))
    assert footprint(alice_session.user) == before
