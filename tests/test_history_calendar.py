"""Reminders and time zone: the settings form, the private calendar feed, and its reset."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.forms import PreferencesForm
from sessions.models import TrainingPreferences
from sessions.time_zone import SESSION_KEY
from tests.history_helpers import past_session

SETTINGS = reverse("history:settings")
RESET = reverse("history:reset_feed")


def feed(token: str) -> str:
    return reverse("history:calendar_feed", args=[token])


@pytest.fixture
def alice_prefs(alice):
    return TrainingPreferences.objects.create(
        user=alice, time_zone="Europe/London", training_days=[0, 2, 4], reminder_time=time(7, 30)
    )


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


# --- The settings form -----------------------------------------------------------------


def test_settings_start_from_defaults_without_saving_anything(signed_in, alice):
    response = signed_in.get(SETTINGS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not chosen: UTC" in content
    assert "data-browser-time-zone" in content  # timezone.js may fill it in
    assert content.count('name="training_days"') == 7
    assert 'type="time"' in content and 'value="18:00"' in content
    assert "Save your settings above and your private calendar link appears" in content
    assert not TrainingPreferences.objects.exists()


def test_an_unchosen_zone_is_named_as_the_site_s_own(signed_in, settings):
    settings.TIME_ZONE = "Europe/London"
    assert "Not chosen: Europe/London" in signed_in.get(SETTINGS).content.decode()


def test_saving_days_time_and_zone(signed_in, alice):
    response = signed_in.post(
        SETTINGS,
        {"time_zone": "Europe/Madrid", "training_days": ["4", "0", "2"], "reminder_time": "07:15"},
    )
    assert response.status_code == 302 and response["Location"] == SETTINGS
    prefs = TrainingPreferences.objects.get(user=alice)
    assert (prefs.time_zone, prefs.training_days) == ("Europe/Madrid", [0, 2, 4])
    assert prefs.reminder_time == time(7, 15)
    content = signed_in.get(SETTINGS).content.decode()
    assert "Monday, Wednesday and Friday at 07:15 (Europe/Madrid)" in content
    assert 'href="webcal://testserver/history/calendar/' in content
    assert f'value="http://testserver{feed(prefs.feed_token)}"' in content
    assert "data-browser-time-zone" not in content


def test_saving_a_zone_applies_to_the_next_pages_at_once(signed_in, alice, protocol):
    past_session(alice, datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")))
    signed_in.post(SETTINGS, {"time_zone": "Asia/Tokyo", "reminder_time": "18:00"})
    assert signed_in.session[SESSION_KEY] == "Asia/Tokyo"
    assert "Tue 3 Mar 2026, 08:30" in signed_in.get(reverse("history:list")).content.decode()


ZONE_INVALID = 'aria-invalid="true" aria-describedby="id_time_zone_helptext id_time_zone_error"'
DAYS_INVALID = 'aria-describedby="training-days-error"'
TIME_INVALID = (
    'aria-invalid="true" aria-describedby="id_reminder_time_helptext id_reminder_time_error"'
)


@pytest.mark.parametrize(
    ("data", "message", "marked"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "Choose your time zone from the list", ZONE_INVALID),
        ({"time_zone": "localtime"}, "Choose your time zone from the list", ZONE_INVALID),
        ({"time_zone": "x" * 500}, "Choose your time zone from the list", ZONE_INVALID),
        ({"training_days": ["7"]}, "Choose days from Monday to Sunday.", DAYS_INVALID),
        ({"training_days": ["monday"]}, "Choose days from Monday to Sunday.", DAYS_INVALID),
        ({"training_days": ["-1"]}, "Choose days from Monday to Sunday.", DAYS_INVALID),
        ({"reminder_time": "25:00"}, "Enter a time such as 07:30", TIME_INVALID),
        ({"reminder_time": "7pm"}, "Enter a time such as 07:30", TIME_INVALID),
        ({"reminder_time": ""}, "Choose a time for the reminder", TIME_INVALID),
    ],
)
def test_tampered_settings_get_a_clear_message_and_save_nothing(signed_in, data, message, marked):
    good = {"time_zone": "Europe/London", "training_days": ["1"], "reminder_time": "07:00"}
    response = signed_in.post(SETTINGS, good | data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "nothing has been saved yet" in content
    assert marked in content  # the field says it is wrong, and which message explains why
    assert not TrainingPreferences.objects.exists()


def test_a_zone_from_the_old_tz_names_is_kept_and_shown(alice):
    prefs = TrainingPreferences(user=alice, time_zone="GB")
    form = PreferencesForm({"time_zone": "GB", "reminder_time": "07:00"}, instance=prefs)
    assert form.is_valid()
    assert ("GB", "GB") in form.fields["time_zone"].widget.choices


def test_the_zone_is_remembered_from_the_first_page_after_sign_in(client, alice):
    TrainingPreferences.objects.create(user=alice, time_zone="Australia/Perth")
    client.force_login(alice)
    client.get(reverse("history:list"))
    assert client.session[SESSION_KEY] == "Australia/Perth"


def test_a_session_without_the_zone_looks_it_up_once(client, alice, protocol):
    TrainingPreferences.objects.create(user=alice, time_zone="Asia/Tokyo")
    client.force_login(alice)
    assert SESSION_KEY not in client.session  # signing in looks nothing up
    past_session(alice, datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")))
    assert "Tue 3 Mar 2026, 08:30" in client.get(reverse("history:list")).content.decode()
    assert client.session[SESSION_KEY] == "Asia/Tokyo"


# --- The feed ---------------------------------------------------------------------------


def test_the_feed_is_a_weekly_event_on_the_chosen_days(client, alice_prefs):
    calendar = parse(client.get(feed(alice_prefs.feed_token)))
    assert calendar["VERSION"] == "2.0"
    (event,) = calendar.walk("VEVENT")
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["MO", "WE", "FR"]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (7, 30)
    assert str(start.tzinfo) == "Europe/London"
    assert start.weekday() in (0, 2, 4)
    assert event.decoded("DURATION") == timedelta(minutes=25)
    assert "Back Relief" in event["SUMMARY"]
    assert "http://testserver/session/" in event["DESCRIPTION"]
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert calendar.walk("VTIMEZONE")  # so calendars know what Europe/London means


def test_the_feed_needs_no_sign_in_and_says_nothing_about_pain_or_notes(
    client, alice, alice_prefs, protocol
):
    past_session(alice, timezone.now(), pain_before=9, pain_after=8, notes="Secret flare-up")
    body = client.get(feed(alice_prefs.feed_token)).content.decode()
    assert "Secret flare-up" not in body
    assert "pain" not in body.lower()
    assert "alice" not in body.lower()


def test_the_first_reminder_is_the_next_chosen_day(alice_prefs):
    thursday = date(2026, 3, 5)
    first = alice_prefs.first_reminder(thursday)
    assert first == datetime(2026, 3, 6, 7, 30, tzinfo=ZoneInfo("Europe/London"))
    assert alice_prefs.first_reminder(date(2026, 3, 6)).date() == date(2026, 3, 6)


def test_without_training_days_the_feed_is_an_empty_calendar(client, alice):
    prefs = TrainingPreferences.objects.create(user=alice)
    calendar = parse(client.get(feed(prefs.feed_token)))
    assert calendar.walk("VEVENT") == []


def test_an_unknown_token_is_404(client, alice_prefs):
    assert client.get(feed("not-a-real-token")).status_code == 404
    assert client.get(feed(alice_prefs.feed_token[:-1])).status_code == 404


def test_a_new_link_makes_the_old_one_404(signed_in, client, alice_prefs):
    old = alice_prefs.feed_token
    response = signed_in.post(RESET, follow=True)
    assert "The old one no longer works" in response.content.decode()
    alice_prefs.refresh_from_db()
    assert alice_prefs.feed_token != old
    assert len(alice_prefs.feed_token) >= 40
    assert client.get(feed(old)).status_code == 404
    assert client.get(feed(alice_prefs.feed_token)).status_code == 200


def test_reset_takes_only_a_post_from_the_signed_in_owner(client, alice, bob, alice_prefs):
    token = alice_prefs.feed_token
    client.force_login(alice)
    assert client.get(RESET).status_code == 405
    client.force_login(bob)
    assert client.post(RESET).status_code == 404  # bob has no feed of his own
    alice_prefs.refresh_from_db()
    assert alice_prefs.feed_token == token


def test_reset_requires_sign_in(client, alice_prefs):
    response = client.post(RESET)
    assert response.status_code == 302 and "login" in response["Location"]


def test_each_user_sees_only_their_own_calendar_link(client, alice_prefs, bob):
    client.force_login(bob)
    content = client.get(SETTINGS).content.decode()
    assert alice_prefs.feed_token not in content


def test_the_feed_costs_one_query(client, alice_prefs, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(feed(alice_prefs.feed_token))
