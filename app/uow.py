"""The unit of work: a request, CLI command or webhook commits once, then sends mail."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_app_context

from app.extensions import db


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work has committed (e.g. send an e-mail)."""
    if not has_app_context():
        raise RuntimeError("after_commit needs an application context")
    g.setdefault("_after_commit", []).append(callback)


def state() -> dict:
    """Scratch space of the current unit of work, forgotten at its commit or rollback.

    The mail outbox keeps here the messages this unit queued, to send them after the commit.
    """
    if not has_app_context():
        raise RuntimeError("the unit of work needs an application context")
    return g.setdefault("_uow_state", {})


def commit() -> None:
    """Commit the session, then run what waited for the commit."""
    db.session.commit()
    if not has_app_context():
        return
    callbacks = g.pop("_after_commit", [])
    g.pop("_uow_state", None)
    for callback in callbacks:
        callback()


def rollback() -> None:
    """Roll back and forget what waited for a commit that will not happen."""
    db.session.rollback()
    if has_app_context():
        g.pop("_after_commit", None)
        g.pop("_uow_state", None)
