"""The kinds of proposal each package registers: what approving one does to the ledger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.approvals.models import Proposal
    from app.auth.models import User
    from app.ledger.models import LedgerEntry


@dataclass(frozen=True)
class Kind:
    """One kind of proposal.

    `execute(proposal, approver)` posts the proposal's entries (flushing, never committing) and
    returns them; it may raise DomainError to refuse. `detail_template`, when given, is included
    on the proposal's page with `proposal` in its context.
    """

    name: str
    label: object  # a lazy translation
    execute: Callable[[Proposal, User], list[LedgerEntry]]
    detail_template: str | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Make a kind known (once per name; app factories may run many times)."""
    KINDS.setdefault(kind.name, kind)


def get(name: str) -> Kind:
    """The registered kind; KeyError for an unknown one (a programming error)."""
    return KINDS[name]
