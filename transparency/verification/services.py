"""Verification as a service: head, proofs, signed daily heads (DESIGN.md §8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.dbtypes import VN_TZ, utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.ledger.chain import format_at
from app.ledger.models import CHAIN_COLUMNS, LedgerEntry
from transparency.verification import signing, tree
from transparency.verification.models import SignedHead


def export_record(entry: LedgerEntry) -> dict:
    return {
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


EXPORT_COLUMNS = (*CHAIN_COLUMNS, LedgerEntry.prev_hash, LedgerEntry.hash)


def export_stream(conn: Connection, batch: int = 5000) -> Iterator[dict]:
    """Every entry as the export's dict, in seq order, read in batches of plain rows on `conn`
    (the records of app.ledger.verify.export_records, without building ORM objects)."""
    stmt = select(*EXPORT_COLUMNS).order_by(LedgerEntry.seq).execution_options(yield_per=batch)
    for row in conn.execute(stmt):
        record = row._asdict()
        record["at"] = format_at(row.at)
        yield record


def head() -> dict:
    """The last entry and the Merkle root over entries 1 … tree_size (= seq)."""
    size, root = tree.current()
    last = (
        db.session.execute(
            select(LedgerEntry.hash, LedgerEntry.at).where(LedgerEntry.seq == size)
        ).first()
        if size
        else None
    )
    return {
        "seq": size,
        "hash": last.hash if last else "0" * 64,
        "at": format_at(last.at) if last else None,
        "tree_size": size,
        "root": root,
    }


def _size(value: int | None, current: int, field: str) -> int:
    if value is None:
        return current
    if value < 0 or value > current:
        raise DomainError(_l("Kích thước cây phải từ 0 đến %(n)s.", n=current), field=field)
    return value


def inclusion_proof(seq: int, tree_size: int | None = None) -> dict:
    """RFC 9162 §2.1.3 inclusion proof of entry `seq` in the tree of `tree_size` entries."""
    known = tree.current()
    current = known[0]
    size = _size(tree_size, current, "tree_size")
    entry = db.session.get(LedgerEntry, seq) if seq >= 1 else None
    if entry is None or seq > current:
        raise NotFound(_l("Không có bút toán số %(seq)s.", seq=seq))
    if seq > size:
        raise DomainError(
            _l("Bút toán %(seq)s chưa có trong cây %(n)s bút toán.", seq=seq, n=size),
            field="tree_size",
        )
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "root": tree.root(size, known),
        "audit_path": tree.inclusion(seq - 1, size),
        "entry": export_record(entry),
        "leaf": tree.leaf_of(entry).decode("utf-8"),
    }


def consistency_proof(first: int, second: int) -> dict:
    """RFC 9162 §2.1.4 proof that the tree of `first` entries is a prefix of `second`."""
    known = tree.current()
    second = _size(second, known[0], "second")
    if first < 0 or first > second:
        raise DomainError(_l("«first» phải từ 0 đến «second»."), field="first")
    return {
        "first": first,
        "second": second,
        "first_root": tree.root(first, known),
        "second_root": tree.root(second, known),
        "proof": tree.consistency(first, second),
    }


def today() -> date:
    return datetime.now(VN_TZ).date()


def sign_head(day: date | None = None) -> SignedHead:
    """Sign today's head (Vietnam date) once; a second call the same day returns the first."""
    day = day or today()
    existing = db.session.get(SignedHead, day)
    if existing is not None:
        return existing
    size, root = tree.current()
    signature, public_key = signing.sign(day.isoformat(), size, root)
    row = SignedHead(
        day=day,
        tree_size=size,
        root=root,
        signature=signature,
        public_key=public_key,
        signed_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def head_record(row: SignedHead) -> dict:
    return {
        "date": row.day.isoformat(),
        "tree_size": row.tree_size,
        "root": row.root,
        "signature": row.signature,
        "public_key": row.public_key,
    }


def signed_heads(limit: int = 400) -> list[SignedHead]:
    return list(
        db.session.execute(
            select(SignedHead).order_by(SignedHead.day.desc()).limit(limit)
        ).scalars()
    )


def head_covering(seq: int) -> SignedHead | None:
    """The first signed head whose tree holds entry `seq`."""
    return db.session.execute(
        select(SignedHead).where(SignedHead.tree_size >= seq).order_by(SignedHead.day).limit(1)
    ).scalar_one_or_none()
