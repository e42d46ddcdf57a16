"""Django's Redis cache, made to degrade instead of fail when Redis goes away.

Every cache the app uses with REDIS_URL set is one of these (settings.py):
the default cache, the login cache in front of the sessions table, and the
throttle counters. Each is
something the database can answer without, so a dead, restarting or
unreachable Redis must cost speed, never a request: Django's own RedisCache
raises redis.ConnectionError into the view, which would be a 500 on every page.

Here each call to Redis that fails is answered as a miss (get: the default;
add, set, delete: nothing done; incr: ValueError, as for a missing key) and
the server is taken as down for RETRY_SECONDS, during which calls do not
try it (no connect timeout per call while it is away). One warning is logged
per outage. Two things keep an outage from leaving stale entries behind:

- every key written or deleted while Redis was away is remembered (up to
  MAX_PENDING per process) and deleted from Redis when it answers again, so
  a session that logged out, or changed, during the outage is not served
  from an old cached copy afterwards;
- a cache can keep counting in this process while Redis is away
  (OPTIONS {"LOCAL_FALLBACK": True}, the throttle counters): limits then
  hold per process, as they did before Redis, instead of not at all.

Redis errors other than connection trouble (a wrong password, a full
server, a read-only replica) are treated the same way: the database can answer.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a failed Redis is left alone before the next call tries it again.
RETRY_SECONDS = 2.0
# Keys to delete from Redis once it is back; past this many, the oldest go.
MAX_PENDING = 10_000
ERRORS = (RedisError, OSError)


class _Health:
    """What this process knows about one Redis server, shared by its threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.outage_logged = False
        self.pending: dict[str, None] = {}  # keys to delete when it is back, oldest first

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def remember(self, keys: list[str]) -> None:
        """Keys to delete from Redis when it answers again."""
        with self.lock:
            self._remember(keys)

    def _remember(self, keys: list[str]) -> None:
        for key in keys:
            self.pending.pop(key, None)
            self.pending[key] = None
        while len(self.pending) > MAX_PENDING:
            self.pending.pop(next(iter(self.pending)))

    def failed(self, error: Exception, keys: list[str], location: str) -> None:
        with self.lock:
            self.down_until = time.monotonic() + RETRY_SECONDS
            self._remember(keys)
            if not self.outage_logged:
                self.outage_logged = True
                logger.warning(
                    "Redis at %s failed (%s): serving from the database until it is back",
                    location,
                    type(error).__name__,
                )

    def take_pending(self) -> list[str]:
        with self.lock:
            keys, self.pending = list(self.pending), {}
            return keys

    def recovered(self, location: str) -> None:
        with self.lock:
            if self.outage_logged:
                self.outage_logged = False
                logger.warning("Redis at %s answers again", location)


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


def reset_health() -> None:
    """Forget every outage (tests)."""
    with _health_lock:
        _health.clear()


class ForgivingRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose failures are misses (see the module's docstring)."""

    def __init__(
        self,
        servers,
        *,
        local_fallback: LocMemCache | None = None,
        **options,
    ):
        super().__init__(servers, **options)
        self._location = ",".join(servers)
        self._health = health_of(self._location)
        self._local = local_fallback

    def _guard(self, method: str, keys: list[str], writes: bool, *args, **kwargs):
        """Call the Redis method; on failure, or while Redis is down, raise _Degraded."""
        if not self._health.is_down():
            try:
                pending = self._health.take_pending()
                if pending:
                    try:
                        super().delete_many(pending)
                    except ERRORS as error:
                        self._health.failed(error, pending, self._location)
                        raise
                result = getattr(super(), method)(*args, **kwargs)
            except ERRORS as error:
                self._health.failed(error, keys if writes else [], self._location)
            else:
                if self._health.outage_logged:
                    self._health.recovered(self._location)
                return result
        elif writes:
            # Remembered only: the pause before the next try does not move on.
            self._health.remember(keys)
        raise _Degraded

    # Reads: a miss.

    def get(self, key, default):
        try:
            return self._guard("get", [key], False, key, default)
        except _Degraded:
            return self._local.get(key, default) if self._local else default

    def get_many(self, keys):
        keys = list(keys)
        try:
            return self._guard("get_many", keys, False, keys)
        except _Degraded:
            return self._local.get_many(keys) if self._local else {}

    def has_key(self, key):
        try:
            return self._guard("has_key", [key], False, key)
        except _Degraded:
            return self._local.has_key(key) if self._local else False

    # Writes: nothing done (or done in this process), the key remembered.

    def add(self, key, value, timeout):
        try:
            return self._guard("add", [key], True, key, value, timeout)
        except _Degraded:
            return self._local.add(key, value, timeout) if self._local else False

    def set(self, key, value, timeout):
        try:
            return self._guard("set", [key], True, key, value, timeout)
        except _Degraded:
            if self._local:
                self._local.set(key, value, timeout)

    def set_many(self, data, timeout):
        try:
            return self._guard("set_many", list(data), True, data, timeout)
        except _Degraded:
            if self._local:
                self._local.set_many(data, timeout)

    def touch(self, key, timeout):
        try:
            return self._guard("touch", [key], True, key, timeout)
        except _Degraded:
            return self._local.touch(key, timeout) if self._local else False

    def delete(self, key):
        try:
            return self._guard("delete", [key], True, key)
        except _Degraded:
            return self._local.delete(key) if self._local else False

    def delete_many(self, keys):
        keys = list(keys)
        try:
            return self._guard("delete_many", keys, True, keys)
        except _Degraded:
            if self._local:
                self._local.delete_many(keys)

    def incr(self, key, delta):
        try:
            return self._guard("incr", [key], True, key, delta)
        except _Degraded:
            if self._local:
                return self._local.incr(key, delta)
            raise ValueError(f"Key '{key}' not found (Redis is unavailable)") from None

    def clear(self):
        try:
            return self._guard("clear", [], False)
        except _Degraded:
            if self._local:
                self._local.clear()
            return False


class _Degraded(Exception):
    """Redis did not answer this call (or is known to be down)."""


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache on ForgivingRedisCacheClient.

    OPTIONS are the redis client's (socket timeouts, say), plus:

    - LOCAL_FALLBACK: True to keep counting in this process while Redis is away.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        local_fallback = options.pop("LOCAL_FALLBACK", False)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ForgivingRedisCacheClient
        extra = {}
        if local_fallback:
            extra["local_fallback"] = LocMemCache(
                f"redis-fallback-{self.key_prefix}",
                {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
            )
        self._options = {**options, **extra}
