"""The Redis cache, for what may fail open: the API's rate limits are its only user. With Redis stopped the web
app must keep serving and saving cases (sessions live in the database), so a cache that cannot reach Redis answers
"nothing cached" and forgets writes, with a warning in the log, instead of raising into the request."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["ResilientRedisCache"]

log = logging.getLogger(__name__)
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# After a failure, do not try Redis again for this long: each try would cost the request a connect timeout.
RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are dropped while Redis is unreachable."""

    _down_until = 0.0

    def _guarded(self, method: str, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except _UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            log.warning("cache unreachable (%s); serving without it for %.0f s", error, RETRY_AFTER_SECONDS)
            return default

    # What each operation answers while Redis is down: a miss, a dropped write, nothing deleted.
    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def get_many(self, *args, **kwargs):
        return self._guarded("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._guarded("has_key", False, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._guarded("set", None, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._guarded("add", False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._guarded("set_many", list(data), data, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guarded("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guarded("delete", False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guarded("delete_many", None, *args, **kwargs)

    def incr(self, key, delta=1, version=None):
        return self._guarded("incr", delta, key, delta, version)

    def clear(self):
        return self._guarded("clear", False)
