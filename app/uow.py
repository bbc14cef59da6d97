"""The unit of work: a request, CLI command or webhook commits once, then runs after-commit work.

Application code never commits by hand; it wraps its unit in one of these (docs/developing.md):

- `with attempt(form) as done:` in a form view: commits when the block ends, or rolls back and
  shows a DomainError on the form (or flashes it); `if done:` the view flashes and redirects.
- `@transactional` on a view whose DomainErrors go to the error page (JSON, audited reads,
  simple actions): commits when it answers below 400, rolls back otherwise.
- `@command` on a CLI command: commits at the end, or rolls back, prints the message and exits.
- `with transaction():` the block they are built on, for a webhook that answers a failed commit
  itself.

After-commit callbacks (mail, private files, cache clearing) run only after a successful commit
and are dropped on rollback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import click
from flask import current_app, g, has_app_context, has_request_context, make_response

from app.errors import DomainError
from app.extensions import db
from app.formtools import show_error

log = logging.getLogger(__name__)


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
    """Commit the session, then run what waited for the commit (the helpers below call it)."""
    db.session.commit()
    if not has_app_context():
        return
    callbacks = g.pop("_after_commit", [])
    g.pop("_uow_state", None)
    for callback in callbacks:
        callback()


def checkpoint(*_ignored: object) -> None:
    """Commit the work done so far inside a long unit (a statement imported in chunks)."""
    commit()


def rollback() -> None:
    """Roll back and forget what waited for a commit that will not happen."""
    db.session.rollback()
    if has_app_context():
        g.pop("_after_commit", None)
        g.pop("_uow_state", None)


def _rollback_after(err: BaseException) -> None:
    try:
        rollback()
    except Exception:  # a broken connection must not hide the error that caused the rollback
        log.exception("rollback after %r failed", err)


@contextmanager
def transaction() -> Iterator[None]:
    """Commit when the block ends; on any exception (or a failed commit) roll back and re-raise."""
    try:
        yield
        commit()
    except BaseException as err:
        _rollback_after(err)
        raise


class Attempt:
    """What `attempt()` yields: true once the block has committed; `.error` when it was refused."""

    def __init__(self) -> None:
        self.committed = False
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.committed


@contextmanager
def attempt(form=None, *, fields: Mapping[str, str] | None = None) -> Iterator[Attempt]:
    """Run the block as the request's unit of work; a DomainError becomes a message.

    The block commits when it ends. A DomainError rolls back and is shown on `form` (on the
    field it names, `fields` mapping a service's names to the form's) or flashed without a
    form, then swallowed: the view goes on to render the form again (422 through
    `form_status`) or redirects. Any other exception rolls back and propagates.
    """
    done = Attempt()
    try:
        with transaction():
            yield done
    except DomainError as err:
        done.error = err
        show_error(form, err, fields)
        return
    done.committed = True


def transactional(view: Callable) -> Callable:
    """Make a view its own unit of work: commit when it answers below 400, else roll back.

    A DomainError it raises rolls back and reaches the error handler (an error page, or JSON
    under /api/ and /webhooks/) with the error's status code; a view that answers a refusal in
    its own words catches it and returns its 4xx answer, which rolls back too. Flash nothing
    here that claims success: the commit comes after the view (use `attempt` for that).
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
            if response.status_code < 400:
                commit()
                return response
        except BaseException as err:
            _rollback_after(err)
            raise
        rollback()
        return response

    return wrapper


class _Refusal(click.ClickException):
    """A refused command: Click prints "Error: <message>" and exits with `exit_code`."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # Click reads it per instance


def _refusal(err: DomainError, exit_code: int) -> click.ClickException:
    # A lazy translation needs a request to pick its language.
    if has_request_context():
        message = str(err.message)
    else:
        with current_app.test_request_context():
            message = str(err.message)
    return _Refusal(message, exit_code)


def command(fn: Callable | None = None, *, exit_code: int = 1) -> Callable:
    """Make a CLI command one unit of work: commit at the end, or refuse with `exit_code`.

    A DomainError rolls back and is printed to stderr ("Error: …"). Put it under
    `@group.command(...)`: `@uow.command`, or `@uow.command(exit_code=2)`.
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                with transaction():
                    return func(*args, **kwargs)
            except DomainError as err:
                raise _refusal(err, exit_code) from None

        return wrapper

    return decorate(fn) if fn is not None else decorate
