"""Posting many entries at once: one lock, the chain computed in Python, one bulk insert.

`post_many()` keeps every invariant of `service.post()` (DESIGN.md §4): each movement is
validated the same way, an idempotency key already in the ledger (or twice in the batch) with
the same movement yields the existing entry and with another movement is refused, no account
but `world` goes below zero at any point of the batch, and the chain is exactly the one that
posting the same movements one by one would give (same seq, same hashes). A refusal posts
nothing of the batch. Reversals are not batched: they go through `service.reverse()`.

The head and the balance rows are the ones `post()` keeps for the locked transaction, so
batches and single postings can be mixed in one unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, select

from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service
from app.ledger.chain import canonical, entry_hash
from app.ledger.models import LedgerEntry
from app.ledger.rows import among, insert_rows
from app.money import format_quantity

_COLUMNS = (
    "seq",
    "at",
    "kind",
    "source",
    "destination",
    "asset",
    "amount",
    "ref",
    "idempotency_key",
    "reverses_seq",
    "label",
    "prev_hash",
    "hash",
)


def table_of(model: Any) -> Table:
    """A model's table, for Core bulk statements."""
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class Movement:
    """One entry to post, with the same fields as `service.post()` (no reversals)."""

    source: str
    destination: str
    asset: str
    amount: int
    kind: str
    ref: str
    idempotency_key: str
    label: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class Posted:
    """What became of one movement: its entry's seq and hash, and whether it is new."""

    seq: int
    hash: str
    created: bool


def _existing(keys: Iterable[str]) -> dict[str, tuple]:
    """Entries already holding these idempotency keys: key → (seq, hash, movement)."""
    found: dict[str, tuple] = {}
    table = table_of(LedgerEntry)
    rows = db.session.execute(
        select(
            table.c.idempotency_key,
            table.c.seq,
            table.c.hash,
            table.c.source,
            table.c.destination,
            table.c.asset,
            table.c.amount,
        ).where(among(table.c.idempotency_key, keys))
    ).all()
    for key, seq, digest, *movement in rows:
        found[key] = (seq, digest, tuple(movement))
    return found


def _conflict(key: str, seq: int) -> service.IdempotencyConflict:
    return service.IdempotencyConflict(
        _l(
            "Việc này đã được ghi sổ cái ở bút toán #%(seq)s với số liệu khác (khoá "
            "%(key)s), có lẽ do người khác vừa xử lý. Không có gì được ghi thêm; hãy tải "
            "lại trang để xem tình trạng mới nhất.",
            key=key,
            seq=seq,
        )
    )


def post_many(movements: Sequence[Movement]) -> list[Posted]:
    """Append the movements to the chain in order; one `Posted` per movement. Flushes only.

    All or nothing: a movement that `post()` would refuse refuses the whole batch, before
    anything is written.
    """
    if not movements:
        return []
    for m in movements:
        service._validate(m.source, m.destination, m.asset, m.amount, m.kind)
        if not m.idempotency_key:
            raise service.LedgerError(_l("Thiếu khoá chống trùng (idempotency key)."))
    head = service._lock_head()
    db.session.flush()  # single postings made earlier in this transaction come first
    known = _existing({m.idempotency_key for m in movements})

    # Balances as they move through the batch, starting from the locked rows.
    pairs = {(acc, m.asset) for m in movements for acc in (m.source, m.destination)}
    rows = service._balance_rows(pairs)
    running = {pair: row.balance for pair, row in rows.items()}
    moved_in = dict.fromkeys(pairs, 0)
    moved_out = dict.fromkeys(pairs, 0)

    seq, prev = head.seq, head.hash
    now = utcnow().replace(microsecond=0)
    results: list[Posted] = []
    inserts: list[tuple] = []
    for m in movements:
        movement = (m.source, m.destination, m.asset, m.amount)
        found = known.get(m.idempotency_key)
        if found is not None:
            if found[2] != movement:
                raise _conflict(m.idempotency_key, found[0])
            results.append(Posted(found[0], found[1], created=False))
            continue
        out_pair, in_pair = (m.source, m.asset), (m.destination, m.asset)
        if m.source != service.WORLD and running[out_pair] < m.amount:
            raise service.InsufficientFunds(
                _l(
                    "Tài khoản %(account)s không đủ số dư: còn %(have)s, cần %(need)s. Số dư có "
                    "thể vừa thay đổi do một thao tác khác; không có gì được ghi sổ.",
                    account=m.source,
                    have=format_quantity(running[out_pair], m.asset),
                    need=format_quantity(m.amount, m.asset),
                )
            )
        running[out_pair] -= m.amount
        running[in_pair] += m.amount
        moved_out[out_pair] += m.amount
        moved_in[in_pair] += m.amount
        seq += 1
        when = (m.at or now).replace(microsecond=0)
        body = canonical(
            seq=seq,
            at=when,
            kind=m.kind,
            source=m.source,
            destination=m.destination,
            asset=m.asset,
            amount=m.amount,
            ref=m.ref,
        )
        digest = entry_hash(prev, body)
        inserts.append(
            (
                seq,
                when,
                m.kind,
                m.source,
                m.destination,
                m.asset,
                m.amount,
                m.ref,
                m.idempotency_key,
                None,
                m.label,
                prev,
                digest,
            )
        )
        known[m.idempotency_key] = (seq, digest, movement)
        results.append(Posted(seq, digest, created=True))
        prev = digest

    if inserts:
        insert_rows(table_of(LedgerEntry), _COLUMNS, inserts)
        for pair, row in rows.items():
            row.balance = running[pair]
            row.total_in += moved_in[pair]
            row.total_out += moved_out[pair]
        head.seq, head.hash = seq, prev
        db.session.flush()
    return results
