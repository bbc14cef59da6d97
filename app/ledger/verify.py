"""Recomputing the chain: what `flask ledger verify` and the public checker run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.ledger.chain import canonical, entry_hash, format_at
from app.ledger.models import GENESIS_HASH, AccountBalance, LedgerEntry, LedgerHead


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


def export_records(batch: int = 1000) -> Iterator[dict]:
    """Every entry as a dict of the public export keys, in seq order, streamed."""
    stmt = select(LedgerEntry).order_by(LedgerEntry.seq).execution_options(yield_per=batch)
    for entry in db.session.execute(stmt).scalars():
        yield {
            "seq": entry.seq,
            "at": format_at(entry.at),
            "kind": entry.kind,
            "source": entry.source,
            "destination": entry.destination,
            "asset": entry.asset,
            "amount": entry.amount,
            "ref": entry.ref,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }


def verify_database() -> VerifyResult:
    """Recompute the stored chain, then check the head row and the balance table agree."""
    totals: dict[tuple[str, str], int] = defaultdict(int)

    def tracking() -> Iterator[dict]:
        for rec in export_records():
            totals[(rec["source"], rec["asset"])] -= rec["amount"]
            totals[(rec["destination"], rec["asset"])] += rec["amount"]
            yield rec

    result = verify_records(tracking())
    if not result.ok:
        return result
    head = db.session.get(LedgerHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (result.count, result.head):
        return VerifyResult(False, result.count, result.head, head_seq, "chain head row disagrees")
    for row in db.session.execute(select(AccountBalance)).scalars():
        if totals.get((row.account, row.asset), 0) != row.balance:
            return VerifyResult(
                False,
                result.count,
                result.head,
                None,
                f"balance of {row.account} {row.asset} disagrees with the entries",
            )
    return result
