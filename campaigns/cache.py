"""A small per-process cache with a time limit, for figures and rendered public pages.

Each gunicorn worker keeps its own copy; nothing here is ever older than CACHE_SECONDS (5 s by
default, 0 in tests), so totals on public pages lag the ledger by a few seconds at most. A
back-office change clears it after its commit (`clear_after_commit`): cleared any earlier, a page
read in between would put the old values back for CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app

from app import uow

_MAX_ENTRIES = 2000
_store: dict[tuple, tuple[float, Any]] = {}
_lock = threading.Lock()


def ttl() -> float:
    """Seconds a cached value may be served (0 turns caching off)."""
    return float(current_app.config.get("CACHE_SECONDS", 0) or 0)


def get(key: tuple) -> Any | None:
    """The cached value for `key`, or None when missing or expired."""
    seconds = ttl()
    if seconds <= 0:
        return None
    hit = _store.get(key)
    if hit is None or hit[0] < time.monotonic():
        return None
    return hit[1]


def put(key: tuple, value: Any) -> None:
    """Remember `value` for CACHE_SECONDS."""
    seconds = ttl()
    if seconds <= 0:
        return
    with _lock:
        if len(_store) >= _MAX_ENTRIES:
            now = time.monotonic()
            for stale in [k for k, (exp, _) in _store.items() if exp < now]:
                _store.pop(stale, None)
            if len(_store) >= _MAX_ENTRIES:
                _store.clear()  # many distinct keys (bots trying ref codes): start again
        _store[key] = (time.monotonic() + seconds, value)


def cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """The cached value for `key`, computing and remembering it when missing."""
    value = get(key)
    if value is None:
        value = compute()
        put(key, value)
    return value


def clear() -> None:
    """Forget everything now."""
    with _lock:
        _store.clear()


def clear_after_commit() -> None:
    """Forget everything once the current unit of work commits, so editors see their change."""
    state = uow.state()
    if not state.get("campaigns.cache.clear"):
        state["campaigns.cache.clear"] = True
        uow.after_commit(clear)
