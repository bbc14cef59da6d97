"""Figures and rendered public pages, kept CACHE_SECONDS in a cache the workers share.

Flask-Caching holds them: one SimpleCache per process by default (no service to run; every app
built in the process shares it, as the test suite's several apps do), a RedisCache when
REDIS_URL is set, so that several gunicorn workers and machines show the same
totals and one change clears them everywhere. CACHE_TYPE, CACHE_REDIS_URL and CACHE_KEY_PREFIX
in the config choose otherwise. Nothing is ever served older than CACHE_SECONDS (5 s by
default, 0 in tests: off): each value carries its own deadline, checked on every read, and the
backend's own timeout only throws it away later. A back-office change clears the cache after
its commit (`clear_after_commit`): cleared any earlier, a page read in between would put the
old values back for CACHE_SECONDS. The cache is a help, never a need: if Redis cannot be
reached, pages are computed as if nothing were cached.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from cachelib import SimpleCache
from flask import Flask, current_app
from flask_caching import Cache

from app import uow

log = logging.getLogger(__name__)

MAX_ENTRIES = 2000  # SimpleCache: beyond this, expired entries (then others) are dropped
PROCESS_CACHE = "campaigns.cache.process_cache"
store = Cache()
_process: SimpleCache | None = None


def process_cache(app: Flask, config: dict, args: list, options: dict) -> SimpleCache:
    """Flask-Caching backend factory: the one SimpleCache of this process."""
    global _process
    if _process is None:
        _process = SimpleCache(threshold=MAX_ENTRIES, default_timeout=options["default_timeout"])
    return _process


def process_store() -> SimpleCache | None:
    """The process's own store (None until an app without Redis was built)."""
    return _process


def clear_process_cache() -> None:
    """Empty the process's own store, whichever app is current (tests)."""
    if _process is not None:
        _process.clear()


def init_app(app: Flask) -> None:
    """Bind the cache: Redis when REDIS_URL is set, else one in this process."""
    redis_url = app.config.get("REDIS_URL", "")
    config = {
        "CACHE_TYPE": app.config.get("CACHE_TYPE")
        or ("RedisCache" if redis_url else PROCESS_CACHE),
        "CACHE_KEY_PREFIX": app.config.get("CACHE_KEY_PREFIX") or "thapsang:pages:",
        "CACHE_THRESHOLD": MAX_ENTRIES,
        "CACHE_DEFAULT_TIMEOUT": _backend_timeout(app.config.get("CACHE_SECONDS", 0)),
    }
    if app.config.get("CACHE_REDIS_URL") or redis_url:
        config["CACHE_REDIS_URL"] = app.config.get("CACHE_REDIS_URL") or redis_url
    store.init_app(app, config=config)


def _backend_timeout(seconds: float) -> int:
    """Whole seconds the backend keeps an entry (a little past its own deadline)."""
    return max(1, math.ceil(float(seconds or 0)) + 1)


def ttl() -> float:
    """Seconds a cached value may be served (0 turns caching off)."""
    return float(current_app.config.get("CACHE_SECONDS", 0) or 0)


def _key(key: tuple) -> str:
    text = "|".join(str(part) for part in key)
    if len(text) > 200:  # a bot's made-up referral codes must not make huge keys
        return "h:" + hashlib.sha256(text.encode()).hexdigest()
    return text


def get(key: tuple) -> Any | None:
    """The cached value for `key`, or None when missing, expired or the cache is down."""
    seconds = ttl()
    if seconds <= 0:
        return None
    try:
        hit = store.get(_key(key))
    except Exception:  # noqa: BLE001 - Redis down: compute the page instead
        log.warning("page cache unavailable (get %s)", key, exc_info=True)
        return None
    if not isinstance(hit, tuple) or len(hit) != 2 or hit[0] < time.time():
        return None
    return hit[1]


def put(key: tuple, value: Any) -> None:
    """Remember `value` for CACHE_SECONDS."""
    seconds = ttl()
    if seconds <= 0:
        return
    try:
        store.set(_key(key), (time.time() + seconds, value), timeout=_backend_timeout(seconds))
    except Exception:  # noqa: BLE001 - Redis down: the page was served all the same
        log.warning("page cache unavailable (set %s)", key, exc_info=True)


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """The cached value for `key`, computing and remembering it when missing."""
    value = get(key)
    if value is None:
        value = compute()
        put(key, value)
    return value


def clear() -> None:
    """Forget everything now (on every worker and machine that shares the cache)."""
    try:
        store.clear()
    except Exception:  # noqa: BLE001 - a Redis outage: entries expire within CACHE_SECONDS
        log.warning("page cache unavailable (clear)", exc_info=True)


def clear_after_commit() -> None:
    """Forget everything once the current unit of work commits, so editors see their change."""
    state = uow.state()
    if not state.get("campaigns.cache.clear"):
        state["campaigns.cache.clear"] = True
        uow.after_commit(clear)
