"""Redis as the shared cache (REDIS_URL): logins, page caches and throttle counts, on a real
redis-server that the tests start, kill and start again.

What must hold: every replica sees the same logins, logouts and counts; and
when Redis goes away the app keeps answering from the database, with nobody
logged out and no request failing (ops.cache).
"""

import os
import shutil
from copy import deepcopy
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import throttles
from bench.common import RedisServer
from ops import cache as forgiving
from ops.cache import ForgivingRedisCache
from tests.conftest import PASSWORD, clear_safety_gate

# CI installs redis-server (.ci/run) and must run these; elsewhere they need it too.
pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server") and not os.environ.get("CI"),
    reason="redis-server is not installed: apt-get install redis-server",
)
ACCOUNT = reverse("accounts:account")


@pytest.fixture
def redis(tmp_path: Path):
    forgiving.reset_health()
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
    forgiving.reset_health()


def redis_caches(url: str) -> dict:
    """CACHES as settings.py builds them with REDIS_URL=`url`."""
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

    def cache(prefix: str, **extra) -> dict:
        own = extra.pop("OPTIONS", {})
        return {
            "BACKEND": "ops.cache.ForgivingRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {**options, **own},
            **extra,
        }

    return {
        "default": cache("cache"),
        "sessions": cache("sessions"),
        "throttle": cache("throttle", TIMEOUT=3600, OPTIONS={"LOCAL_FALLBACK": True}),
    }


@pytest.fixture
def on_redis(settings, redis):
    settings.CACHES = redis_caches(redis.url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"
    return redis


def another_replica(url: str, prefix: str) -> ForgivingRedisCache:
    """The same cache as another replica's process holds it: its own client and pool."""
    return ForgivingRedisCache(url, deepcopy(redis_caches(url)[prefix]))


def in_redis(url: str, prefix: str, key: str) -> bool:
    """Whether Redis itself holds `key` of cache `prefix` (asked directly, not via ops.cache)."""
    import redis as redis_client

    with redis_client.Redis.from_url(url) as client:
        return bool(client.exists(f"{prefix}:1:{key}"))


def test_settings_as_built_match_what_these_tests_use(redis):
    from tests.test_settings import settings_as_json

    built = settings_as_json("s.CACHES", REDIS_URL=redis.url)
    assert built == redis_caches(redis.url)


def test_a_login_lives_in_redis_and_every_replica_sees_the_logout(on_redis, alice, disclaimer):
    clear_safety_gate(alice)
    client = Client()
    client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    key = client.session.cache_key
    replica = another_replica(on_redis.url, "sessions")
    assert replica.get(key)["_auth_user_id"] == str(alice.pk)

    stolen = Client()
    stolen.cookies = client.cookies
    assert stolen.get(ACCOUNT).status_code == 200
    client.post(reverse("accounts:logout"))
    assert replica.get(key) is None
    response = stolen.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def signed_in_by_the_form(person) -> Client:
    """Signed in as a person signs in, through the login form (not `force_login`)."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_a_signed_in_page_finds_its_user_without_reading_the_session_table(
    on_redis, alice, disclaimer, alice_session
):
    clear_safety_gate(alice)
    client = signed_in_by_the_form(alice)
    client.get(alice_session.get_absolute_url())  # the first read fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(alice_session.get_absolute_url())
    assert response.status_code == 200
    assert "Step 1 of 21" in response.content.decode()
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "django_session" not in tables
    assert len(queries) == 3  # the user, the training session, and Guide me's settings


def test_a_login_outlives_its_cache(on_redis, alice):
    """The cache is only a copy: emptied (a restarted Redis, a flush), the database answers."""
    client = signed_in_by_the_form(alice)
    another_replica(on_redis.url, "sessions").clear()
    assert not in_redis(on_redis.url, "sessions", client.session.cache_key)
    assert client.get(ACCOUNT).status_code == 200


def test_a_password_change_elsewhere_signs_out_a_cached_login(on_redis, alice):
    client = signed_in_by_the_form(alice)
    assert client.get(ACCOUNT).status_code == 200
    alice.set_password("a new long passphrase")
    alice.save()
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_with_redis_killed_mid_run_nobody_is_logged_out_and_nothing_fails(
    on_redis, alice, bob, disclaimer, protocol, caplog
):
    for person in (alice, bob):
        clear_safety_gate(person)
    alice_phone, bob_phone = Client(), Client()
    alice_phone.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    bob_phone.post(reverse("accounts:login"), {"username": bob.email, "password": PASSWORD})
    stolen = Client()
    stolen.cookies = deepcopy(bob_phone.cookies)
    started = alice_phone.post(reverse("training_sessions:start"), {"pain_before": "3"})
    assert started.status_code == 302
    session_url = started["Location"]
    assert alice_phone.get(session_url).status_code == 200

    on_redis.stop()  # SIGKILL: what a crashed Redis looks like from here

    page = alice_phone.get(session_url)
    assert page.status_code == 200
    assert "Step 1 of 21" in page.content.decode()
    done = alice_phone.post(f"{session_url}step/", {"step": "1"})
    assert done.status_code == 302
    assert alice_phone.get(ACCOUNT).status_code == 200
    assert alice_phone.get(reverse("protocols:home")).status_code == 200
    # Bob logs out while Redis is away; the copy of his cookie is refused at once.
    assert bob_phone.post(reverse("accounts:logout")).status_code == 302
    assert stolen.get(ACCOUNT).status_code == 302
    # Signing in works too, and throttles still count (in this process).
    carol = Client()
    assert (
        carol.post(
            reverse("accounts:login"), {"username": bob.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    assert carol.get(ACCOUNT).status_code == 200
    assert "serving from the database" in caplog.text

    # Redis comes back, empty; the cached copy of Bob's old login is not
    # there to be served, and nothing the outage wrote is stale.
    on_redis.start()
    forgiving.reset_health()
    assert stolen.get(ACCOUNT).status_code == 302
    assert alice_phone.get(session_url).status_code == 200
    assert carol.get(ACCOUNT).status_code == 200


def test_a_logout_during_a_partition_is_not_undone_when_redis_answers_again(on_redis, alice):
    """Redis alive but out of reach (here: the app pointed at a dead port) keeps its
    copy of the session; the first call after the outage deletes it."""
    client = Client()
    client.post(reverse("accounts:login"), {"username": alice.email, "password": PASSWORD})
    key = client.session.cache_key
    stolen = Client()
    stolen.cookies = deepcopy(client.cookies)
    assert in_redis(on_redis.url, "sessions", key)

    health = forgiving.health_of(on_redis.url)
    health.failed(ConnectionError("partition"), [], on_redis.url)  # as if a call had failed
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert in_redis(on_redis.url, "sessions", key)  # still there: nobody could delete it

    health.down_until = 0  # the retry pause is over: the next call reaches Redis
    assert stolen.get(ACCOUNT).status_code == 302
    assert not in_redis(on_redis.url, "sessions", key)


def test_a_dead_redis_is_a_miss_and_left_alone_between_retries(tmp_path):
    dead = RedisServer(tmp_path)  # a free port nobody listens on
    forgiving.reset_health()
    cache = ForgivingRedisCache(dead.url, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert cache.get("anything", "default") == "default"
    assert cache.add("counter", 0) is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("counter")
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    cache.set("a", 1)
    cache.delete("a")
    assert forgiving.health_of(dead.url).is_down()
    counting = ForgivingRedisCache(dead.url, {"OPTIONS": {"LOCAL_FALLBACK": True}})
    counting.add("counter", 0)
    assert [counting.incr("counter") for _ in range(3)] == [1, 2, 3]
    forgiving.reset_health()


def test_throttles_count_across_replicas_as_one(on_redis, monkeypatch):
    """Two replicas, two Redis clients: an attacker alternating between them gets
    no more tries than against one."""
    replicas = [another_replica(on_redis.url, "throttle") for _ in range(2)]
    calls = iter(range(10_000))
    monkeypatch.setattr(throttles, "_cache", lambda: replicas[next(calls) % 2])
    limit = throttles.LOGIN_PER_IP
    answers = [throttles.hit(limit, "198.51.100.7") for _ in range(limit.count + 2)]
    assert answers[: limit.count] == [None] * limit.count
    assert all(wait and wait > 0 for wait in answers[limit.count :])
    assert replicas[0]._cache is not replicas[1]._cache


def test_login_throttling_holds_across_replicas_over_http(on_redis, alice):
    """The login view itself on two replicas (two caches over one Redis): 30 posts from
    one address in all, whichever replica answers, then our 429."""
    replicas = [another_replica(on_redis.url, "throttle") for _ in range(2)]
    turn = iter(range(10_000))
    original = throttles._cache
    throttles._cache = lambda: replicas[next(turn) % 2]
    try:
        client = Client()
        statuses = [
            client.post(
                reverse("accounts:login"), {"username": f"spray{i}@example.com", "password": "x"}
            ).status_code
            for i in range(throttles.LOGIN_PER_IP.count + 1)
        ]
    finally:
        throttles._cache = original
    assert statuses[:-1] == [200] * throttles.LOGIN_PER_IP.count
    assert statuses[-1] == 429


def test_writes_while_redis_is_down_do_not_put_off_the_next_try(tmp_path):
    """Traffic during an outage must not keep Redis marked down for ever."""
    dead = RedisServer(tmp_path)
    forgiving.reset_health()
    cache = ForgivingRedisCache(dead.url, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    cache.get("anything")  # fails: Redis is left alone for RETRY_SECONDS
    health = forgiving.health_of(dead.url)
    retry_at = health.down_until
    cache.set("a", 1)
    cache.delete("b")
    assert health.down_until == retry_at
    assert set(health.pending) >= {":1:a", ":1:b"}
    forgiving.reset_health()
