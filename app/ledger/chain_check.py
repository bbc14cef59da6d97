"""Checking runs of chain rows: what `verify.py` does in one pass and `verify_parallel.py` in
ranges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.ledger.chain import canonical_row, entry_hash
from app.ledger.models import CHAIN_COLUMNS, GENESIS_HASH, LedgerEntry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain check."""

    ok: bool
    count: int
    head: str
    broken_seq: int | None = None
    reason: str = ""

    def summary(self) -> str:
        """The one line the CLI prints."""
        if self.ok:
            return f"OK {self.count} entries, head {self.head}"
        return f"BROKEN at seq {self.broken_seq}: {self.reason}"


@dataclass
class Part:
    """What checking a run of consecutive entries found: how many are whole, the hash the run
    started from and the last one it reached, the first break if any, the balance movements."""

    count: int
    start: str
    last: str
    broken: VerifyResult | None
    totals: dict[tuple[str, str], int]


def check_rows(rows: Iterable[tuple], prev: str = GENESIS_HASH, after: int = 0) -> Part:
    """Check chain rows (as `_chain_rows` gives them) that should hold seq after+1, after+2 …,
    the first linking to `prev`."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    start, count = prev, 0
    for seq, at, kind, source, destination, asset, amount, ref, prev_hash, digest in rows:
        count += 1
        done = after + count - 1
        if seq != done + 1:
            broken = VerifyResult(False, done, prev, seq, f"expected seq {done + 1}")
            return Part(count - 1, start, prev, broken, totals)
        if prev_hash != prev:
            broken = VerifyResult(False, done, prev, seq, "prev_hash does not link")
            return Part(count - 1, start, prev, broken, totals)
        body = canonical_row((seq, at, kind, source, destination, asset, amount, ref))
        if entry_hash(prev, body) != digest:
            broken = VerifyResult(False, done, prev, seq, "hash does not match content")
            return Part(count - 1, start, prev, broken, totals)
        prev = digest
        totals[(source, asset)] -= amount
        totals[(destination, asset)] += amount
    return Part(count, start, prev, None, totals)


def chain_select(batch: int):
    """(seq, at, kind, source, destination, asset, amount, ref, prev_hash, hash) in seq order,
    read `batch` at a time (a server-side cursor on PostgreSQL): add a range with .where()."""
    return (
        select(*CHAIN_COLUMNS, LedgerEntry.prev_hash, LedgerEntry.hash)
        .order_by(LedgerEntry.seq)
        .execution_options(yield_per=batch)
    )
