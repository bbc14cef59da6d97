"""How other packages take part in reversing an entry without this one importing them.

A package whose records an entry belongs to (a round's hand-over, say) registers a hook: its
`check` refuses a reversal that must not happen (raise a DomainError), its `apply` brings its
records in line once the reversal is posted. Both run inside the approval's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.ledger.models import LedgerEntry


@dataclass(frozen=True)
class ReversalHook:
    """Checks and follow-up of one package for entries it knows."""

    name: str
    check: Callable[[LedgerEntry], None]
    apply: Callable[[LedgerEntry, LedgerEntry], None]


HOOKS: dict[str, ReversalHook] = {}


def register(hook: ReversalHook) -> None:
    """Add a hook once per name (app factories may run many times)."""
    HOOKS.setdefault(hook.name, hook)


def check_all(entry: LedgerEntry) -> None:
    """Every package's objection to reversing `entry` (the first one raises)."""
    for hook in HOOKS.values():
        hook.check(entry)


def apply_all(entry: LedgerEntry, reversal: LedgerEntry) -> None:
    """Let every package follow a reversal of `entry` that was just posted."""
    for hook in HOOKS.values():
        hook.apply(entry, reversal)
