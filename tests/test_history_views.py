"""History pages through the test client: the list, a session's detail, deleting one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from protocols.models import Exercise
from sessions.models import CompletedRound, TrainingPreferences, TrainingSession
from tests.conftest import clear_safety_gate, tap_through
from tests.history_helpers import many_past_sessions, past_session

LIST = reverse("history:list")


def detail(session):
    return reverse("history:detail", args=[session.pk])


def delete(session):
    return reverse("history:delete", args=[session.pk])


# --- Access -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "export_csv", "print", "settings"])
def test_every_page_requires_sign_in(client, db, name):
    response = client.get(reverse(f"history:{name}"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_session_pages_require_sign_in(client, alice, protocol):
    session = past_session(alice, timezone.now())
    for url in (detail(session), delete(session)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(delete(session)).status_code == 302
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_other_users_session_is_404(client, alice, bob, protocol):
    session = past_session(alice, timezone.now(), notes="Alice's private note")
    client.force_login(bob)
    assert client.get(detail(session)).status_code == 404
    assert client.get(delete(session)).status_code == 404
    assert client.post(delete(session)).status_code == 404
    assert TrainingSession.objects.filter(pk=session.pk).exists()
    assert "Alice&#x27;s private note" not in client.get(LIST).content.decode()


def test_unknown_session_is_404(signed_in):
    assert signed_in.get("/history/999999/").status_code == 404
    assert signed_in.get("/history/abc/").status_code == 404


# --- The list ----------------------------------------------------------------------


def test_with_no_sessions_it_invites_a_first_one(signed_in):
    response = signed_in.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "No sessions yet" in content
    assert reverse("training_sessions:start") in content
    assert "Download my data" in content


def test_sessions_are_listed_newest_first_with_rounds_time_and_pain(signed_in, alice, protocol):
    now = timezone.now()
    past_session(alice, now - timedelta(days=2), pain_before=6, pain_after=3)
    past_session(alice, now - timedelta(days=1), rounds=4, pain_before=5)
    content = signed_in.get(LIST).content.decode()
    assert content.index("4 of 9 rounds") < content.index("9 of 9 rounds")
    assert "Ended early" in content and "Finished" in content
    assert "Pain 6 → 3" in content and "Pain 5 → \N{EN DASH}" in content
    assert "24 min" in content


def test_a_session_in_progress_is_listed_with_a_resume_link(signed_in, alice_session):
    tap_through(signed_in, alice_session, 4)  # 1a, 1b, 1a, 1b: two rounds
    content = signed_in.get(LIST).content.decode()
    assert "In progress" in content
    assert "2 of 9 rounds" in content
    assert f'href="{alice_session.get_absolute_url()}">Resume' in content


def test_dates_are_shown_in_the_users_time_zone(client, alice, protocol):
    TrainingPreferences.objects.create(user=alice, time_zone="Asia/Tokyo")
    client.force_login(alice)
    past_session(alice, datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")))
    content = client.get(LIST).content.decode()
    assert "Tue 3 Mar 2026, 08:30" in content
    assert "Dates and times are shown in universal time (UTC)" not in content


def test_without_a_chosen_zone_it_says_times_are_in_utc(signed_in, alice, protocol):
    past_session(alice, datetime(2026, 3, 2, 23, 30, tzinfo=ZoneInfo("UTC")))
    content = signed_in.get(LIST).content.decode()
    assert "Mon 2 Mar 2026, 23:30" in content
    assert "Dates and times are shown in universal time (UTC)" in content


def test_progress_and_both_charts_are_on_the_list(signed_in, alice, protocol):
    now = timezone.now()
    past_session(alice, now - timedelta(days=1), pain_before=6, pain_after=4)
    past_session(alice, now, pain_before=5, pain_after=2)
    content = signed_in.get(LIST).content.decode()
    assert "Progress at a glance" in content
    assert "<dt>Current streak</dt><dd>2 days</dd>" in content
    assert "<dt>Longest streak</dt><dd>2 days</dd>" in content
    assert "<dt>Average pain change</dt><dd>2.5 points less</dd>" in content
    assert content.count('role="img"') == 2
    assert '<title id="history-weeks-title">Sessions per week' in content
    assert '<title id="history-pain-title">Pain before and after your last 2 sessions' in content
    assert 'aria-labelledby="history-pain-title history-pain-desc"' in content
    assert "Pain before and after as a table" in content
    assert 'style="' not in content
    assert "<script>" not in content


def test_the_pain_chart_waits_for_a_rating(signed_in, alice, protocol):
    past_session(alice, timezone.now())
    content = signed_in.get(LIST).content.decode()
    assert "Rate your pain before and after a session" in content
    assert content.count('role="img"') == 1


def test_twenty_sessions_a_page_and_a_link_to_the_older_ones(signed_in, alice, protocol):
    many_past_sessions(alice, 45)
    first = signed_in.get(LIST).content.decode()
    assert first.count('class="history-item"') == 20
    assert "Page 1 of 3" in first
    assert 'href="?page=2" rel="next"' in first
    last = signed_in.get(LIST, {"page": 3}).content.decode()
    assert last.count('class="history-item"') == 5
    assert 'href="?page=2" rel="prev"' in last


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("99999", 3), ("-1", 3), ("0", 3), ("", 1)]
)
def test_a_bad_page_number_shows_a_real_page(signed_in, alice, protocol, page, shown):
    many_past_sessions(alice, 45)
    response = signed_in.get(LIST, {"page": page})
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


def test_history_is_linked_from_the_nav_the_start_and_the_summary(signed_in, alice_session):
    assert f'href="{LIST}">History' in signed_in.get(reverse("protocols:home")).content.decode()
    assert LIST in signed_in.get(reverse("training_sessions:start")).content.decode()
    tap_through(signed_in, alice_session)
    summary = reverse("training_sessions:summary", args=[alice_session.pk])
    assert LIST in signed_in.get(summary).content.decode()


def test_the_nav_has_no_history_link_when_signed_out(client, protocol):
    assert LIST not in client.get(reverse("protocols:home")).content.decode()


# --- Detail -------------------------------------------------------------------------


def test_detail_shows_every_round_with_its_time_and_exercises(signed_in, alice, protocol):
    started = timezone.now().replace(hour=7, minute=0, second=0, microsecond=0)
    session = past_session(alice, started, pain_before=6, pain_after=3, notes="Hips loose")
    content = signed_in.get(detail(session)).content.decode()
    assert content.count('class="round-item"') == 9
    assert "Circuit 1, round 1" in content and "Circuit 3, round 3" in content
    assert "done at <time" in content and ">07:02</time>" in content
    assert "Side Lying Thoracic Sweep" in content
    assert "5 reps each side" in content
    assert "6 → 3" in content
    assert "Hips loose" in content
    assert "9 of 9" in content


def test_detail_shows_exercises_as_they_were_done_not_as_edited_since(signed_in, alice, protocol):
    session = past_session(alice, timezone.now())
    Exercise.objects.filter(label="1a").update(name="Renamed Sweep", reps=9)
    content = signed_in.get(detail(session)).content.decode()
    assert "Side Lying Thoracic Sweep" in content
    assert "Renamed Sweep" not in content


def test_detail_of_a_session_in_progress_offers_to_resume(signed_in, alice_session):
    tap_through(signed_in, alice_session, 2)
    content = signed_in.get(detail(alice_session)).content.decode()
    assert "still in progress" in content
    assert f'href="{alice_session.get_absolute_url()}">Resume this session' in content


def test_a_session_without_rounds_says_so(signed_in, alice, protocol):
    session = past_session(alice, timezone.now(), rounds=0)
    assert "No round was finished" in signed_in.get(detail(session)).content.decode()


# --- Delete ---------------------------------------------------------------------------


def test_delete_asks_first(signed_in, alice, protocol):
    session = past_session(alice, timezone.now())
    response = signed_in.get(delete(session))
    assert response.status_code == 200
    assert "Delete this session?" in response.content.decode()
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_deleting_removes_the_session_and_its_rounds(signed_in, alice, protocol):
    session = past_session(alice, timezone.now())
    kept = past_session(alice, timezone.now() - timedelta(days=1))
    response = signed_in.post(delete(session), follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "Session deleted" in response.content.decode()
    assert not TrainingSession.objects.filter(pk=session.pk).exists()
    assert not CompletedRound.objects.filter(session_id=session.pk).exists()
    assert CompletedRound.objects.filter(session=kept).count() == 9


def test_a_session_in_progress_can_be_deleted_and_a_new_one_started(signed_in, alice_session):
    tap_through(signed_in, alice_session, 3)
    assert "deleting it also ends it" in signed_in.get(delete(alice_session)).content.decode()
    signed_in.post(delete(alice_session))
    assert not TrainingSession.objects.exists()
    signed_in.post(reverse("training_sessions:start"), {"pain_before": "3"})
    assert TrainingSession.objects.get().is_in_progress


# --- Queries ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    warm = client.get(url)  # caches (site configuration, protocol) warm, as in production
    if warm.streaming:
        b"".join(warm.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        LIST + "?page=2",
        "detail",
        reverse("history:print"),
        reverse("history:print") + "?weeks=4",
        reverse("history:export_csv"),
        reverse("history:settings"),
    ],
)
def test_queries_per_page_do_not_grow_with_history(client, alice, protocol, url):
    TrainingPreferences.objects.create(user=alice, time_zone="Europe/London")
    client.force_login(alice)
    latest = past_session(alice, timezone.now(), pain_before=4, pain_after=2)
    target = detail(latest) if url == "detail" else url
    with_a_little = _queries(client, target)
    many_past_sessions(alice, 500)
    with_history = _queries(client, target)
    assert with_a_little == with_history
    assert with_history <= 6


def test_the_list_stays_within_budget_from_no_sessions_to_500(client, alice, protocol):
    client.force_login(alice)
    empty = _queries(client, LIST)  # no rows to fetch: one query fewer
    many_past_sessions(alice, 500)
    assert empty <= _queries(client, LIST) <= 6


def test_a_session_started_in_the_users_zone_gets_that_local_day(
    client, alice, protocol, disclaimer
):
    clear_safety_gate(alice)
    TrainingPreferences.objects.create(user=alice, time_zone="Pacific/Kiritimati")  # UTC+14
    client.force_login(alice)
    client.post(reverse("training_sessions:start"), {"pain_before": "2"})
    session = TrainingSession.objects.get()
    assert session.local_date == timezone.localdate(
        session.started_at, ZoneInfo("Pacific/Kiritimati")
    )
