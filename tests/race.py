"""Two requests at the same moment: the first one pauses while it holds its locks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from tests.fixtures.app import _is_postgres


def postgres_only(test: Callable) -> Callable:
    """A real race: SQLite has no row locks and serialises writers its own way."""
    skip = pytest.mark.skipif(not _is_postgres(), reason="needs PostgreSQL (DATABASE_URL)")
    return pytest.mark.commits(pytest.mark.postgres(skip(test)))


def pause_first_call(monkeypatch, owner, name: str, seconds: float = 0.6) -> threading.Event:
    """Make the first call of `owner.name` pause once it has returned, its transaction open."""
    entered = threading.Event()
    real = getattr(owner, name)

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        if not entered.is_set():
            entered.set()
            time.sleep(seconds)  # the colleague's request arrives meanwhile
        return result

    monkeypatch.setattr(owner, name, paused)
    return entered


def race(first: Callable, second: Callable, entered: threading.Event) -> tuple:
    """Run `first`; once it holds its locks (`entered`), run `second`; both results."""
    results: dict[str, object] = {}

    def run(key: str, fn: Callable) -> None:
        try:
            results[key] = fn()
        except BaseException as err:  # reported below, in the test's thread
            results[key] = err

    one = threading.Thread(target=run, args=("first", first))
    one.start()
    assert entered.wait(60), "the first request never reached its pause"
    two = threading.Thread(target=run, args=("second", second))
    two.start()
    one.join(120)
    two.join(120)
    assert not one.is_alive() and not two.is_alive()
    for value in results.values():
        if isinstance(value, BaseException):
            raise value
    return results["first"], results["second"]
