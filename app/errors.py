"""Domain errors that services raise and views turn into messages or status codes."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; the message is for the person who can fix it (Vietnamese first)."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None) -> None:
        # `message` may be a lazy_gettext string: it is rendered in the reader's language.
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist (or the caller may not know it exists)."""

    status_code = 404


class Forbidden(DomainError):
    """The acting user's role or unit does not reach this."""

    status_code = 403


class Conflict(DomainError):
    """The request conflicts with the current state (e.g. a duplicate)."""

    status_code = 409
