"""The gate before a guided session: `safety.gate`, as the session views call it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from safety.gate import safety_gate_required, safety_redirect
from safety.models import (
    LASTING_FACTS,
    Disclaimer,
    DisclaimerAcknowledgement,
    RedFlag,
    RedFlagScreening,
    safety_status,
)
from tests.conftest import PASSWORD, clear_safety_gate, signup_link_from_outbox

SESSION_PATH = "/session/?from=nav"
NEXT = "next=%2Fsession%2F%3Ffrom%3Dnav"


def gate(rf, user):
    request = rf.get(SESSION_PATH)
    request.user = user
    return safety_redirect(request)


def screen(user, when=None, **yes) -> RedFlagScreening:
    return RedFlagScreening.objects.create(
        user=user,
        answers={flag.value: bool(yes.get(flag.value)) for flag in RedFlag},
        answered_at=when or timezone.now(),
    )


def test_first_the_disclaimer(rf, alice, disclaimer):
    assert gate(rf, alice)["Location"] == f"{reverse('safety:disclaimer')}?{NEXT}"


def test_then_the_red_flag_screen(rf, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    assert gate(rf, alice)["Location"] == f"{reverse('safety:screening')}?{NEXT}"


def test_then_through(rf, alice, disclaimer):
    clear_safety_gate(alice)
    assert gate(rf, alice) is None


def test_a_yes_today_means_the_urgent_care_page(rf, alice, disclaimer):
    clear_safety_gate(alice)
    screen(alice, recent_trauma=True)
    assert gate(rf, alice)["Location"] == reverse("safety:screening_result")


def test_all_no_after_a_yes_the_same_day_is_still_the_urgent_care_page(rf, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    screen(alice, timezone.now() - timedelta(minutes=5), recent_trauma=True)
    screen(alice)
    alice.refresh_from_db()
    assert gate(rf, alice)["Location"] == reverse("safety:screening_result")


def test_a_yes_then_all_no_the_next_day_asks_again_then_lets_through(rf, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        screen(alice, night_pain=True)
        screen(alice, timezone.now() + timedelta(minutes=1))  # "no" the same day: not a pass
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        alice.refresh_from_db()
        assert gate(rf, alice)["Location"] == f"{reverse('safety:screening')}?{NEXT}"
        screen(alice)  # all "no", on a new day
        alice.refresh_from_db()
        assert gate(rf, alice) is None


def test_a_yes_on_an_earlier_day_asks_the_questions_again(rf, alice, disclaimer):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        screen(alice, timezone.now() - timedelta(hours=10), night_pain=True)  # 23:00 yesterday
        assert gate(rf, alice)["Location"] == f"{reverse('safety:screening')}?{NEXT}"


def test_today_is_the_sites_time_zone(rf, alice, disclaimer, settings):
    settings.TIME_ZONE = "America/New_York"
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    # 02:00 UTC on the 2nd is still the 1st in New York, as was 21:00 UTC on the 1st.
    with time_machine.travel(datetime(2026, 3, 2, 2, 0, tzinfo=UTC), tick=False):
        screen(alice, datetime(2026, 3, 1, 21, 0, tzinfo=UTC), night_pain=True)
        assert gate(rf, alice)["Location"] == reverse("safety:screening_result")


def test_a_new_disclaimer_version_comes_first_again(rf, alice, disclaimer):
    clear_safety_gate(alice)
    Disclaimer.objects.create(version=2, text="New.", published=True)
    assert gate(rf, alice)["Location"].startswith(reverse("safety:disclaimer"))


def test_an_anonymous_request_is_left_to_login_required(rf, db):
    assert gate(rf, AnonymousUser()) is None


def test_the_gate_costs_no_query_once_the_disclaimer_is_cached(
    rf, alice, disclaimer, django_assert_num_queries
):
    clear_safety_gate(alice)
    gate(rf, alice)
    # Its inputs are on the user row that authentication loads anyway.
    with django_assert_num_queries(0):
        assert gate(rf, alice) is None


def test_the_status_reads_the_latest_screening(alice, disclaimer):
    earlier = timezone.now() - timedelta(days=2)
    screen(alice, earlier, fever_chills=True)
    latest = screen(alice)
    status = safety_status(alice, disclaimer)
    assert status.acknowledged_current_disclaimer is False
    assert status.last_screening_any_yes is False
    assert status.last_screening_at == latest.answered_at


def test_each_users_gate_is_their_own(rf, alice, bob, disclaimer):
    clear_safety_gate(alice)
    screen(bob, fever_chills=True)
    assert gate(rf, alice) is None
    assert gate(rf, bob)["Location"].startswith(reverse("safety:disclaimer"))


# --- The decorator -------------------------------------------------------------


@safety_gate_required
def start_session(request):
    return HttpResponse("started")


def test_the_decorator_asks_for_a_login_first(rf, db):
    request = rf.get(SESSION_PATH)
    request.user = AnonymousUser()
    response = start_session(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_decorator_sends_through_the_gate_then_runs_the_view(rf, alice, disclaimer):
    request = rf.get(SESSION_PATH)
    request.user = alice
    assert start_session(request)["Location"].startswith(reverse("safety:disclaimer"))
    clear_safety_gate(alice)
    assert start_session(request).content == b"started"
    assert start_session.__name__ == "start_session"


# --- The whole walk --------------------------------------------------------------


def test_a_newcomer_walks_from_sign_up_to_the_protocol(client, protocol, disclaimer):
    client.post(reverse("accounts:signup"), {"email": "dana@example.com"})
    response = client.post(
        signup_link_from_outbox(),
        {"password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("safety:disclaimer"))
    assert "Before you start" in response.content.decode()

    response = client.post(
        response.redirect_chain[-1][0],
        {"understood": "on", "version": disclaimer.version, "next": protocol.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("safety:screening"))
    assert "A few safety questions" in response.content.decode()

    response = client.post(
        reverse("safety:screening"),
        {flag.value: "no" for flag in RedFlag} | {"next": protocol.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == protocol.get_absolute_url()
    assert response.status_code == 200
    assert protocol.name in response.content.decode()

    dana = User.objects.get(email="dana@example.com")
    assert dana.acknowledgements.get().disclaimer == disclaimer
    assert dana.screenings.get().any_yes is False


@pytest.mark.parametrize("flag", [flag for flag in RedFlag if flag not in LASTING_FACTS])
def test_any_single_yes_stops_the_walk(client, alice, disclaimer, flag):
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    client.force_login(alice)
    data = {f.value: "yes" if f == flag else "no" for f in RedFlag}
    response = client.post(reverse("safety:screening"), data | {"next": "/session/"})
    assert response["Location"] == reverse("safety:screening_result")


@pytest.mark.parametrize(
    "next_url", ["/\x00", "http://[::1", "\\\\evil.example", "/%0d%0aSet-Cookie:x", "x" * 5000]
)
def test_odd_next_values_never_break_the_gate_pages(signed_in, next_url):
    for url in (reverse("safety:disclaimer"), reverse("safety:screening")):
        assert signed_in.get(url, {"next": next_url}).status_code == 200
    response = signed_in.post(
        reverse("safety:screening"), {flag.value: "no" for flag in RedFlag} | {"next": next_url}
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert "\n" not in response["Location"]


def test_the_user_row_follows_the_record_however_it_changes(alice, disclaimer):
    assert (alice.acknowledged_disclaimer_versions, alice.last_screening_at) == ([], None)
    DisclaimerAcknowledgement.objects.create(user=alice, disclaimer=disclaimer)
    yes = RedFlagScreening.objects.create(user=alice, answers={"night_pain": True})
    alice.refresh_from_db()
    assert alice.acknowledged_disclaimer_versions == [disclaimer.version]
    assert (alice.last_screening_at, alice.last_screening_any_yes) == (yes.answered_at, True)

    no = RedFlagScreening.objects.create(user=alice, answers={"night_pain": False})
    alice.refresh_from_db()
    assert (alice.last_screening_at, alice.last_screening_any_yes) == (no.answered_at, False)

    no.delete()  # e.g. a coach removes a row in admin: the earlier answers count again
    alice.refresh_from_db()
    assert (alice.last_screening_at, alice.last_screening_any_yes) == (yes.answered_at, True)


def test_an_earlier_screening_saved_late_does_not_hide_the_latest(alice, disclaimer):
    latest = RedFlagScreening.objects.create(user=alice, answers={"fever_unwell": True})
    RedFlagScreening.objects.create(
        user=alice,
        answers={"fever_unwell": False},
        answered_at=latest.answered_at - timedelta(days=1),
    )
    alice.refresh_from_db()
    assert (alice.last_screening_at, alice.last_screening_any_yes) == (latest.answered_at, True)
