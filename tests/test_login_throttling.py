"""Login throttling (django-axes): 5 failures per address and client IP, 15 minutes' rest."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, fresh_settings

LOGIN = reverse("accounts:login")


def log_in(client, email: str, password: str, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def fail_five_times(client, email: str, **headers):
    return [log_in(client, email, "wrong password", **headers) for _ in range(5)]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_failures_still_show_the_form(client, alice):
    responses = [log_in(client, alice.email, "wrong password") for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4
    assert log_in(client, alice.email, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, alice):
    responses = fail_five_times(client, alice.email)
    assert responses[-1].status_code == 429

    response = log_in(client, alice.email, PASSWORD)

    assert response.status_code == 429
    assert not is_logged_in(client)
    content = response.content.decode()
    assert "Too many attempts to log in" in content
    assert "paused for 15 minutes" in content
    assert reverse("accounts:password_reset") in content
    assert "Find a skilled practitioner" in content  # our own page, in our layout


def test_the_count_ignores_the_case_of_the_address(client, alice):
    for email in ["alice@example.com", "ALICE@example.com", "Alice@Example.com"] * 2:
        response = log_in(client, email, "wrong password")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().username == "alice@example.com"


def test_a_lookalike_spelling_gets_no_fresh_tries_at_a_locked_account(client, alice):
    # django-axes counts "al\u0131ce@…" (a dotless i) apart from "alice@…": it must not
    # reach alice's account, or every lookalike spelling would be five more guesses.
    fail_five_times(client, alice.email)
    response = log_in(client, "al\u0131ce@example.com", PASSWORD)
    assert response.status_code == 200
    assert not is_logged_in(client)


def test_it_unlocks_after_the_cool_off(client, alice):
    fail_five_times(client, alice.email)
    assert log_in(client, alice.email, PASSWORD).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert log_in(client, alice.email, PASSWORD).status_code == 429
    # That attempt started the wait over: 15 minutes from it, the lock is gone.
    with time_machine.travel(timezone.now() + timedelta(minutes=14 + 16), tick=False):
        response = log_in(client, alice.email, PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_success_clears_the_earlier_failures(client, alice):
    for _ in range(4):
        log_in(client, alice.email, "wrong password")
    log_in(client, alice.email, PASSWORD)
    client.logout()
    responses = [log_in(client, alice.email, "wrong password") for _ in range(4)]
    assert [r.status_code for r in responses] == [200] * 4


def test_a_lock_on_one_address_leaves_other_people_alone(client, alice, bob):
    fail_five_times(client, alice.email)
    assert log_in(client, bob.email, PASSWORD).status_code == 302


def test_a_lock_from_one_ip_leaves_the_same_address_elsewhere_alone(client, alice):
    fail_five_times(client, alice.email, REMOTE_ADDR="203.0.113.9")
    assert log_in(client, alice.email, PASSWORD, REMOTE_ADDR="192.0.2.44").status_code == 302


def test_authenticate_counts_failures_when_given_the_request(rf, alice):
    request = rf.post(LOGIN)
    for _ in range(5):
        assert authenticate(request, username=alice.email, password="wrong") is None
    assert authenticate(request, username=alice.email, password=PASSWORD) is None
    assert authenticate(rf.post(LOGIN, REMOTE_ADDR="192.0.2.44"), username=alice.email,
                        password=PASSWORD) == alice  # fmt: skip


def test_the_admin_login_is_throttled_too(client, coach):
    admin_login = reverse("admin:login")
    for _ in range(5):
        client.post(admin_login, {"username": coach.email, "password": "wrong password"})
    response = client.post(admin_login, {"username": coach.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_a_very_long_address_on_the_admin_login_is_stored_cut_short(client, db):
    response = client.post(reverse("admin:login"), {"username": "a" * 400, "password": "x"})
    assert response.status_code == 200
    assert len(AccessAttempt.objects.get().username) == 255


# --- The client's address, directly and behind a reverse proxy ----------------


def test_reached_directly_a_forged_forwarded_for_header_changes_nothing(client, alice):
    for number in range(5):
        log_in(client, alice.email, "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = log_in(client, alice.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.fixture
def behind_one_proxy(settings):
    """As DJANGO_TRUSTED_PROXY_COUNT=1 sets it: the proxy at 10.0.0.2 appends the client."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0


def through_proxy(client_ip: str, sent_by_client: str = "") -> dict:
    forwarded = f"{sent_by_client}, {client_ip}" if sent_by_client else client_ip
    return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}


def test_behind_a_proxy_each_client_is_counted_on_its_own(client, alice, behind_one_proxy):
    fail_five_times(client, alice.email, **through_proxy("203.0.113.9"))
    assert log_in(client, alice.email, PASSWORD, **through_proxy("203.0.113.9")).status_code == 429
    # Everyone arrives from the proxy's address, but alice at home is not locked out.
    assert log_in(client, alice.email, PASSWORD, **through_proxy("192.0.2.44")).status_code == 302


def test_behind_a_proxy_forged_addresses_do_not_dodge_the_lock(client, alice, behind_one_proxy):
    for number in range(5):
        log_in(client, alice.email, "wrong", **through_proxy("203.0.113.9", f"198.51.100.{number}"))
    response = log_in(client, alice.email, PASSWORD, **through_proxy("203.0.113.9", "192.0.2.1"))
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_a_proxy_forging_someones_address_does_not_lock_them_out(
    client, alice, behind_one_proxy
):
    fail_five_times(client, alice.email, **through_proxy("203.0.113.9", "192.0.2.44"))
    assert log_in(client, alice.email, PASSWORD, **through_proxy("192.0.2.44")).status_code == 302


def client_ip_settings(**env) -> str:
    result = fresh_settings(
        "import backrelief.settings as s;"
        "print(s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT)",
        **env,
    )
    return result.stdout.strip() or result.stderr


def test_the_proxy_count_comes_from_the_environment():
    assert client_ip_settings() == "('REMOTE_ADDR',) None"
    assert client_ip_settings(DJANGO_TRUSTED_PROXY_COUNT="1") == (
        "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR') 0"
    )
    assert client_ip_settings(DJANGO_TRUSTED_PROXY_COUNT="2").endswith(" 1")
    assert "must be 0 or more" in client_ip_settings(DJANGO_TRUSTED_PROXY_COUNT="-1")
    assert "is not a whole number" in client_ip_settings(DJANGO_TRUSTED_PROXY_COUNT="two")


def test_axes_is_wired_as_it_asks():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
