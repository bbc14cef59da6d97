"""Status machines: one table of legal moves per kind of record, which its services consult."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l

from app.errors import Conflict

S = TypeVar("S", bound=enum.Enum)


class IllegalTransition(Conflict):
    """A status move that the record's table does not allow."""


class Transitions(Generic[S]):
    """The legal moves between the states of one enum, with the words people use for them.

    A state moves to itself only when the table says so (more money on a paid pledge keeps it
    paid; approving an approved round twice is refused).
    """

    def __init__(
        self,
        subject,
        labels: Mapping[S, object],
        moves: Mapping[S, Iterable[S]],
    ) -> None:
        self.subject = subject  # what moves, in words: "đợt trao", "giao dịch"…
        self.labels = dict(labels)
        self.moves: dict[S, frozenset[S]] = {state: frozenset(to) for state, to in moves.items()}
        states = set(self.labels)
        if set(self.moves) != states or any(to - states for to in self.moves.values()):
            raise ValueError("every state needs a label and a row of moves, and only those")

    @property
    def states(self) -> list[S]:
        """Every state, in the order of the table."""
        return list(self.moves)

    def pairs(self) -> Iterator[tuple[S, S]]:
        """Every (from, to) pair, legal or not: what the tests walk through."""
        for current in self.moves:
            for new in self.moves:
                yield current, new

    def allows(self, current: S, new: S) -> bool:
        """Whether the table has the move `current → new`."""
        return new in self.moves[current]

    def check(self, current: S, new: S, message=None) -> None:
        """Raise IllegalTransition unless `current → new` is legal.

        `message` replaces the generic one where a service can say more precisely what went
        wrong (e.g. "only a round waiting for approval can be approved").
        """
        if self.allows(current, new):
            return
        raise IllegalTransition(
            message
            or _l(
                "Không thể chuyển %(subject)s từ “%(old)s” sang “%(new)s”.",
                subject=self.subject,
                old=self.labels[current],
                new=self.labels[new],
            )
        )

    def move(self, record, new: S, message=None) -> None:
        """Set `record.status` to `new` after checking the move against the table."""
        self.check(record.status, new, message)
        record.status = new
