"""Recomputing the chain: what `flask ledger verify` and the public checker run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import select

from app.extensions import db
from app.ledger import verify_parallel
from app.ledger.chain import CHAIN_FIELDS, canonical, entry_hash, format_at
from app.ledger.chain_check import VerifyResult, chain_select, check_rows
from app.ledger.models import GENESIS_HASH, AccountBalance, LedgerHead

__all__ = ["VerifyResult", "export_records", "verify_database", "verify_records"]


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
    """Every entry's chain row as a plain tuple, no ORM objects."""
    for part in db.session.execute(chain_select(batch)).tuples().partitions():
        yield from part


def verify_database(batch: int = 10_000, workers: int = 1) -> VerifyResult:
    """Recompute the stored chain, then check the head row and the balance table agree.

    The same checks as `verify_records` over `export_records`, on plain rows: the canonical
    form is built from the datetime (no text round trip) and the balances summed per account
    as the rows go by, in constant memory. With `workers` > 1 a large ledger is checked in
    that many ranges at once (`verify_parallel`); anything amiss is then checked again in one
    pass, which names the first broken entry.
    """
    part = None
    if workers > 1:
        part = verify_parallel.check(workers, batch)
    if part is None:
        part = check_rows(_chain_rows(batch))
    if part.broken is not None:
        return part.broken
    result = VerifyResult(True, part.count, part.last)
    head = db.session.get(LedgerHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (result.count, result.head):
        return VerifyResult(False, result.count, result.head, head_seq, "chain head row disagrees")
    balances = select(AccountBalance.account, AccountBalance.asset, AccountBalance.balance)
    for account, asset, balance in db.session.execute(balances).tuples():
        if part.totals.get((account, asset), 0) != balance:
            return VerifyResult(
                False,
                result.count,
                result.head,
                None,
                f"balance of {account} {asset} disagrees with the entries",
            )
    return result
