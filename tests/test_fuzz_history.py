"""Fuzzing the history pages: page numbers, periods, settings, calendar links, ids, exports.

Alice has three pages of past sessions and her settings saved; bob has his
own sessions and calendar link. Each case asks as nobody, as alice and as
bob, and checks the usual promises: no server error, no redirect off the
site, nothing of the other person's changed.
"""

import csv
import io
from datetime import timedelta
from urllib.parse import quote

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from sessions.forms import known_time_zones
from sessions.history_views import FORMULA_STARTS
from sessions.models import GuideSound, GuideSpeed, TrainingPreferences, TrainingSession, Weekday
from tests.fuzz_helpers import checked, field_values, footprint, fuzz_case
from tests.history_helpers import many_past_sessions, past_session

pytestmark = pytest.mark.django_db

LIST = reverse("history:list")
PRINT = reverse("history:print")
SETTINGS = reverse("history:settings")
EXPORT = reverse("history:export_csv")


@pytest.fixture
def people(alice, bob, protocol) -> dict[str, Client]:
    """A browser each for nobody, alice and bob; both have a history and a calendar link."""
    many_past_sessions(alice, 45)  # three pages of twenty
    past_session(bob, timezone.now() - timedelta(days=2), pain_before=6, notes="Bob's own note")
    TrainingPreferences.objects.create(user=alice, training_days=[0, 3])
    TrainingPreferences.objects.create(user=bob, training_days=[1], time_zone="Asia/Tokyo")
    clients = {"nobody": Client(), "alice": Client(), "bob": Client()}
    clients["alice"].force_login(alice)
    clients["bob"].force_login(bob)
    return clients


def get_as_everyone(people: dict[str, Client], url: str, data=None) -> dict[str, int]:
    """GET `url` as nobody, alice and bob: each status, once checked."""
    statuses = {}
    for name, client in people.items():
        response = checked(client.get(url, data))
        if response.streaming:
            b"".join(response.streaming_content)
        statuses[name] = response.status_code
    assert statuses["nobody"] == 302  # off to log in
    return statuses


page_numbers = st.one_of(
    field_values,
    st.integers(min_value=-3, max_value=5).map(str),
    st.integers(min_value=2**31, max_value=2**200).map(str),
    st.sampled_from(["9" * 5000, "1e400", "2.0", "2.5", "0x2", "last", "first", "-0", "1 "]),
)


@given(page=page_numbers)
def test_history_list_with_any_page(people, alice, bob, page):
    fuzz_case()
    before = footprint(bob)
    statuses = get_as_everyone(people, LIST, {"page": page})
    assert statuses["alice"] == statuses["bob"] == 200  # any text means some page
    assert footprint(bob) == before


@given(weeks=field_values | st.sampled_from(["4", "12", "all", "ALL", "4 ", "52", "0"]))
def test_print_with_any_period(people, alice, bob, weeks):
    fuzz_case()
    before = footprint(bob)
    statuses = get_as_everyone(people, PRINT, {"weeks": weeks})
    assert statuses["alice"] == statuses["bob"] == 200  # anything unexpected: everything
    assert footprint(bob) == before


zone_names = st.one_of(
    st.sampled_from(sorted(known_time_zones())),
    st.sampled_from(
        ["", "UTC", "GB", "US/Pacific", "EST5EDT", "localtime", "Factory", "posixrules",
         "Europe/London ", "europe/london", "../../../etc/passwd", "Etc/GMT+14", "Etc/GMT-14",
         "America/New_York\x00", "Europe/" + "x" * 100, "right/UTC", "posix/Europe/Paris"]
    ),
    field_values,
)  # fmt: skip
days = st.lists(st.integers(min_value=-2, max_value=9).map(str) | field_values, max_size=9)
times = st.one_of(
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.times().map(lambda moment: moment.strftime("%H:%M:%S")),
    st.sampled_from(["24:00", "23:59:60", "7:5", "07:30 PM", "07.30", "T07:30", "-01:00"]),
    field_values,
)
preferences = st.one_of(
    st.fixed_dictionaries(
        {
            "time_zone": st.sampled_from(sorted(known_time_zones())),
            "training_days": st.lists(st.sampled_from([str(day) for day in Weekday.values])),
            "reminder_time": st.times().map(lambda moment: moment.strftime("%H:%M")),
        }
    ),
    st.fixed_dictionaries(
        {}, optional={"time_zone": zone_names, "training_days": days, "reminder_time": times}
    ),
)


GUIDE_SETTINGS = reverse("training_sessions:guide_settings")
guide_forms = st.fixed_dictionaries(
    {},
    optional={
        "guide_sound": st.sampled_from(GuideSound.values) | field_values,
        "guide_speed": st.sampled_from([str(value) for value in GuideSpeed.values])
        | st.integers(min_value=-1, max_value=1000).map(str)
        | field_values,
        "guide_carries_on": st.sampled_from(["on", "true", "", "0", "false"]) | field_values,
    },
)


@given(form=guide_forms)
def test_guide_settings_with_any_fields(people, alice, bob, form):
    fuzz_case()
    before = footprint(bob)
    assert checked(people["nobody"].post(GUIDE_SETTINGS, form)).status_code == 302
    response = checked(people["alice"].post(GUIDE_SETTINGS, form))
    event(f"guide settings: {response.status_code}")
    assert response.status_code in (204, 400)
    if response.status_code == 400:
        assert "could not be saved" in response.json()["error"]
    prefs = TrainingPreferences.for_user(alice)
    assert prefs.guide_sound in GuideSound.values
    assert prefs.guide_speed in GuideSpeed.values
    assert checked(people["alice"].get(SETTINGS)).status_code == 200
    assert footprint(bob) == before


@pytest.mark.slow  # every case saves settings and renders the history
@given(form=preferences)
def test_settings_with_any_fields(people, alice, bob, form):
    fuzz_case()
    before = footprint(bob)
    assert checked(people["nobody"].post(SETTINGS, form)).status_code == 302
    response = checked(people["alice"].post(SETTINGS, form))
    event(f"settings: {response.status_code}")

    prefs = TrainingPreferences.objects.get(user=alice)
    if response.status_code == 302:
        assert prefs.time_zone in known_time_zones() | {""}
        assert prefs.training_days == sorted(set(prefs.training_days))
        assert set(prefs.training_days) <= set(Weekday.values)
    # Every page then works in the zone saved, and the calendar reads back.
    for url in (SETTINGS, LIST, PRINT, EXPORT):
        response = checked(people["alice"].get(url))
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    feed = checked(Client().get(reverse("history:calendar_feed", args=[prefs.feed_token])))
    icalendar.Calendar.from_ical(feed.content)
    assert footprint(bob) == before


@given(data=st.data())
def test_calendar_link_with_any_token(people, alice, bob, data):
    tokens = dict(TrainingPreferences.objects.values_list("feed_token", "user_id"))
    real = sorted(tokens)[0]
    token = data.draw(
        st.one_of(
            st.sampled_from(sorted(tokens)),
            st.sampled_from([real[:-1], real + "a", real.upper(), real[1:], "-" + real]),
            st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
            st.text(max_size=70),
        ),
        label="token",
    )
    fuzz_case()  # counted once its input is drawn
    before = footprint(bob)
    url = f"/history/calendar/{quote(token, safe='')}.ics"
    for client in people.values():  # the token alone decides: signed in or not
        response = checked(client.get(url))
        assert response.status_code == (200 if token in tokens else 404)
    assert footprint(bob) == before


@given(data=st.data())
def test_history_urls_with_any_session_id(people, alice, bob, protocol, data):
    alices = list(TrainingSession.objects.filter(user=alice).values_list("pk", flat=True))
    if len(alices) < 3:
        past_session(alice, timezone.now() - timedelta(hours=len(alices) + 1))
        alices = list(TrainingSession.objects.filter(user=alice).values_list("pk", flat=True))
    bobs = list(TrainingSession.objects.filter(user=bob).values_list("pk", flat=True))
    session_id = data.draw(
        st.sampled_from(alices[:3] + bobs) | st.integers(min_value=0, max_value=2**80),
        label="session id",
    )
    fuzz_case()  # counted once its input is drawn
    owner = {**dict.fromkeys(alices, "alice"), **dict.fromkeys(bobs, "bob")}.get(session_id)
    event(f"session of {owner}")
    before = footprint(bob)
    for url in (f"/history/{session_id}/", f"/history/{session_id}/delete/"):
        statuses = get_as_everyone(people, url)
        assert statuses["alice"] == (200 if owner == "alice" else 404)
        assert statuses["bob"] == (200 if owner == "bob" else 404)
    # Alice deletes by id: her own session goes; anyone else's is a 404 and stays.
    assert checked(people["nobody"].post(f"/history/{session_id}/delete/")).status_code == 302
    response = checked(people["alice"].post(f"/history/{session_id}/delete/"))
    assert response.status_code == (302 if owner == "alice" else 404)
    assert TrainingSession.objects.filter(pk=session_id).exists() == (owner == "bob")
    assert footprint(bob) == before


notes = st.one_of(
    field_values,
    st.text(max_size=300),
    st.sampled_from(
        ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", '=HYPERLINK("http://evil")',
         'a,b"c\nd', "\u202e=1", "\n=1", "\ufeff=1"]
    ),
)  # fmt: skip


def exported_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))[1:]  # without the header


@given(note=notes, query=st.dictionaries(st.text(max_size=10), field_values, max_size=3))
def test_export_keeps_any_notes_as_plain_text(people, alice, bob, note, query):
    fuzz_case()
    session = TrainingSession.objects.filter(user=alice).first()
    before = footprint(bob)
    finish = reverse("training_sessions:finish", args=[session.pk])
    response = checked(people["alice"].post(finish, {"notes": note}))
    event(f"notes: {response.status_code}")
    session.refresh_from_db()

    assert checked(people["nobody"].get(EXPORT, query)).status_code == 302
    for person in (alice, bob):
        rows = exported_rows(checked(people[person.first_name.lower()].get(EXPORT, query)))
        owned = {str(pk) for pk in person.training_sessions.values_list("pk", flat=True)}
        assert {row[1] for row in rows} <= owned, "someone else's sessions in the export"
        for row in rows:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row
        if person == alice:
            kept = {row[10] for row in rows if row[1] == str(session.pk)}  # notes
            assert kept in ({session.notes}, {"'" + session.notes})
    assert footprint(bob) == before
