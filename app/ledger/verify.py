"""Recomputing the chain: what `flask ledger verify` and the public checker run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.ledger.chain import CHAIN_FIELDS, canonical, entry_hash, format_at
from app.ledger.models import (
    CHAIN_COLUMNS,
    GENESIS_HASH,
    AccountBalance,
    LedgerEntry,
    LedgerHead,
)


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


def verify_records(records: Iterable[dict]) -> VerifyResult:
    """Check exported records (dicts with the export keys) in order."""
    prev = GENESIS_HASH
    count = 0
    for rec in records:
        count += 1
        if rec["seq"] != count:
            return VerifyResult(False, count - 1, prev, rec["seq"], f"expected seq {count}")
        if rec["prev_hash"] != prev:
            return VerifyResult(False, count - 1, prev, rec["seq"], "prev_hash does not link")
        body = canonical(
            **{
                k: rec[k]
                for k in ("seq", "at", "kind", "source", "destination", "asset", "amount", "ref")
            }
        )
        digest = entry_hash(prev, body)
        if digest != rec["hash"]:
            return VerifyResult(False, count - 1, prev, rec["seq"], "hash does not match content")
        prev = digest
    return VerifyResult(True, count, prev)


EXPORT_KEYS = (*CHAIN_FIELDS, "prev_hash", "hash")


def export_records(batch: int = 5000) -> Iterator[dict]:
    """Every entry as a dict of the public export keys, in seq order, streamed (plain rows)."""
    for row in _chain_rows(batch):
        record = dict(zip(EXPORT_KEYS, row, strict=True))
        record["at"] = format_at(row[1])
        yield record


def _chain_rows(batch: int) -> Iterator[tuple]:
    """(seq, at, kind, source, destination, asset, amount, ref, prev_hash, hash) in seq order:
    plain tuples read `batch` at a time (a server-side cursor on PostgreSQL), no ORM objects."""
    stmt = (
        select(*CHAIN_COLUMNS, LedgerEntry.prev_hash, LedgerEntry.hash)
        .order_by(LedgerEntry.seq)
        .execution_options(yield_per=batch)
    )
    for part in db.session.execute(stmt).tuples().partitions():
        yield from part


def verify_database(batch: int = 10_000) -> VerifyResult:
    """Recompute the stored chain, then check the head row and the balance table agree.

    The same checks as `verify_records` over `export_records`, on plain rows: the canonical
    form is built from the datetime (no text round trip) and the balances summed per account
    as the rows go by, so a million entries take seconds, in constant memory.
    """
    totals: dict[tuple[str, str], int] = defaultdict(int)
    prev = GENESIS_HASH
    count = 0
    for row in _chain_rows(batch):
        seq, _at, _kind, source, destination, asset, amount, _ref, prev_hash, digest = row
        count += 1
        if seq != count:
            return VerifyResult(False, count - 1, prev, seq, f"expected seq {count}")
        if prev_hash != prev:
            return VerifyResult(False, count - 1, prev, seq, "prev_hash does not link")
        body = canonical(**dict(zip(CHAIN_FIELDS, row, strict=False)))  # the first eight
        if entry_hash(prev, body) != digest:
            return VerifyResult(False, count - 1, prev, seq, "hash does not match content")
        prev = digest
        totals[(source, asset)] -= amount
        totals[(destination, asset)] += amount
    result = VerifyResult(True, count, prev)
    head = db.session.get(LedgerHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (result.count, result.head):
        return VerifyResult(False, result.count, result.head, head_seq, "chain head row disagrees")
    balances = select(AccountBalance.account, AccountBalance.asset, AccountBalance.balance)
    for account, asset, balance in db.session.execute(balances).tuples():
        if totals.get((account, asset), 0) != balance:
            return VerifyResult(
                False,
                result.count,
                result.head,
                None,
                f"balance of {account} {asset} disagrees with the entries",
            )
    return result
