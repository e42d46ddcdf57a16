"""Throttling sign-up, password reset and login per client IP (IPv6 by /64) and per address."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from accounts import throttles
from tests.conftest import PASSWORD, fresh_settings

SIGNUP = reverse("accounts:signup")
LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")


def sign_up(client, email: str, **headers):
    return client.post(SIGNUP, {"email": email}, **headers)


WRONG_PASSWORD = "wrong password"


def log_in(client, email: str, password: str = WRONG_PASSWORD, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def assert_our_429(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= throttles.LONGEST_WINDOW
    content = response.content.decode()
    assert "Please wait a moment" in content
    assert "minute" in content
    assert "Find a skilled practitioner" in content  # our layout


def test_21_reset_requests_send_at_most_3_mails_then_get_our_429(client, alice):
    responses = [client.post(RESET, {"email": alice.email}) for _ in range(21)]

    assert len(mail.outbox) == 3
    allowed = throttles.RESET_PER_ADDRESS.count
    assert [r.status_code for r in responses[:allowed]] == [302] * allowed
    for response in responses[allowed:]:
        assert_our_429(response)


def test_reset_answers_the_same_once_the_mails_are_used_up(client, alice):
    answers = [client.post(RESET, {"email": alice.email}) for _ in range(4)]
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    assert len(mail.outbox) == 3


def test_reset_is_throttled_per_ip_across_addresses(client, db):
    for number in range(throttles.RESET_PER_IP.count):
        assert client.post(RESET, {"email": f"p{number}@example.com"}).status_code == 302
    assert_our_429(client.post(RESET, {"email": "another@example.com"}))
    # Someone else, elsewhere, is not held up.
    assert (
        client.post(RESET, {"email": "x@example.com"}, REMOTE_ADDR="192.0.2.7").status_code == 302
    )


def test_sign_up_is_throttled_per_ip_and_per_address(client, db):
    for number in range(throttles.SIGNUP_PER_IP.count):
        assert sign_up(client, f"p{number}@example.com").status_code == 302
    assert_our_429(sign_up(client, "another@example.com"))

    for number in range(throttles.SIGNUP_PER_ADDRESS.count):
        response = sign_up(client, "Carol@example.com", REMOTE_ADDR=f"192.0.2.{number}")
        assert response.status_code == 302
    assert_our_429(sign_up(client, "carol@example.com", REMOTE_ADDR="192.0.2.200"))


def test_reading_the_forms_is_never_throttled(client, db):
    for _ in range(throttles.SIGNUP_PER_IP.count + 1):
        sign_up(client, "carol@example.com")
    for url in (SIGNUP, LOGIN, RESET):
        assert client.get(url).status_code == 200


def test_a_login_spray_over_60_addresses_from_one_ip_is_stopped(client, alice):
    responses = [log_in(client, f"person{n}@example.com") for n in range(60)]
    statuses = [r.status_code for r in responses]
    limit = throttles.LOGIN_PER_IP.count
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}
    assert_our_429(responses[-1])
    assert_our_429(log_in(client, alice.email, PASSWORD))
    # Alice, from home, logs in as usual.
    assert log_in(client, alice.email, PASSWORD, REMOTE_ADDR="192.0.2.44").status_code == 302


def test_many_ips_at_one_address_are_slowed_down(client, alice):
    for number in range(throttles.LOGIN_PER_ADDRESS.count):
        log_in(client, alice.email, REMOTE_ADDR=f"198.51.{number // 250}.{number % 250 + 1}")
    assert_our_429(log_in(client, alice.email, PASSWORD, REMOTE_ADDR="192.0.2.44"))


def test_one_ip_alone_cannot_keep_an_address_locked(client, alice):
    for _ in range(throttles.LOGIN_PER_IP.count * 3):
        log_in(client, alice.email, REMOTE_ADDR="203.0.113.9")
    assert log_in(client, alice.email, PASSWORD, REMOTE_ADDR="192.0.2.44").status_code == 302


def test_the_count_starts_again_in_the_next_window(client, db):
    for number in range(throttles.SIGNUP_PER_IP.count + 1):
        sign_up(client, f"p{number}@example.com")
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        assert sign_up(client, "later@example.com").status_code == 302


def test_ipv6_addresses_in_one_64_share_a_count(client, db):
    for number in range(throttles.SIGNUP_PER_IP.count):
        response = sign_up(client, f"p{number}@example.com", REMOTE_ADDR=f"2001:db8:1:1::{number}")
        assert response.status_code == 302
    assert_our_429(sign_up(client, "x@example.com", REMOTE_ADDR="2001:db8:1:1:ffff:ffff:ffff:1"))
    assert sign_up(client, "x@example.com", REMOTE_ADDR="2001:db8:1:2::1").status_code == 302


@pytest.mark.parametrize(
    ("ip", "group"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:1:aaaa:bbbb:cccc:dddd", "2001:db8:1:1::/64"),
        ("2001:DB8:1:1::1", "2001:db8:1:1::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", ""),
    ],
)
def test_what_an_ip_is_counted_as(ip, group):
    assert throttles.ip_group(ip) == group


def test_reached_directly_a_forged_forwarded_for_neither_dodges_nor_locks_others(
    client, db, settings
):
    assert settings.TRUSTED_PROXY_COUNT == 0
    for number in range(throttles.SIGNUP_PER_IP.count):
        sign_up(client, f"p{number}@example.com", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    # A new forged address does not give the sender a fresh count...
    assert_our_429(sign_up(client, "x@example.com", HTTP_X_FORWARDED_FOR="198.51.100.77"))
    # ...and the addresses it named are not held up.
    assert sign_up(client, "y@example.com", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_behind_a_proxy_the_client_is_found_as_django_axes_finds_it(client, db, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    via_proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(throttles.SIGNUP_PER_IP.count):
        forwarded = f"198.51.100.{number}, 203.0.113.9"  # forged, then what the proxy saw
        sign_up(client, f"p{number}@example.com", HTTP_X_FORWARDED_FOR=forwarded, **via_proxy)
    assert_our_429(
        sign_up(client, "x@example.com", HTTP_X_FORWARDED_FOR="203.0.113.9", **via_proxy)
    )
    response = sign_up(client, "y@example.com", HTTP_X_FORWARDED_FOR="192.0.2.44", **via_proxy)
    assert response.status_code == 302


def test_no_address_appears_in_a_cache_key(client, alice, monkeypatch):
    keys = []
    cache = caches["throttle"]
    original_add = cache.add
    monkeypatch.setattr(
        cache, "add", lambda key, *a, **kw: keys.append(key) or original_add(key, *a, **kw)
    )
    sign_up(client, "carol@example.com")
    client.post(RESET, {"email": alice.email})
    log_in(client, alice.email)
    assert keys
    for key in keys:
        assert "example.com" not in key
        assert "127.0.0.1" not in key


def test_counters_outlive_their_window():
    limits = [value for value in vars(throttles).values() if isinstance(value, throttles.Limit)]
    assert max(limit.seconds for limit in limits) <= throttles.LONGEST_WINDOW
    assert settings.CACHES["throttle"]["TIMEOUT"] >= throttles.LONGEST_WINDOW


def throttle_cache(**env) -> str:
    result = fresh_settings(
        "import backrelief.settings as s;"
        "c = s.CACHES['throttle']; print(c['BACKEND'].rsplit('.', 1)[-1], c['LOCATION'])",
        **env,
    )
    return result.stdout.strip() or result.stderr


def test_the_throttle_cache_is_shared_by_the_machines_workers_on_sqlite(tmp_path):
    database = tmp_path / "app.sqlite3"
    assert throttle_cache(DATABASE_URL=f"sqlite:///{database}") == (
        f"FileBasedCache {database}-throttle"
    )
    postgres = throttle_cache(DATABASE_URL="postgres://u:p@db.example:5432/app")
    assert postgres == "LocMemCache throttle"
