"""The ledger's Merkle tree in the database: grown from new entries, read for roots and proofs.

`sync()` appends the leaves of entries not yet in the tree (and every subtree they complete)
under a lock of its own; readers call it first, so the tree is never behind the chain when
they answer. A root or a proof reads O(log² n) rows in one query, whatever the size.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert, select, text

from app.extensions import db
from app.ledger.chain import canonical
from app.ledger.models import CHAIN_COLUMNS, LedgerEntry, LedgerHead
from app.locking import create_once, lock_rows
from transparency.verification import merkle
from transparency.verification.models import MerkleNode, MerkleState

BATCH = 5000


def fetch(nodes: set[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Hashes of stored complete subtrees, in one query per 200 nodes.

    The pairs are integers computed here, written into the SQL as literals: a bound tuple-IN
    is compiled anew for every length, which cost more than the query itself.
    """
    if not nodes:
        return {}
    out: dict[merkle.Node, bytes] = {}
    pairs = sorted(nodes)
    for start in range(0, len(pairs), 200):
        part = pairs[start : start + 200]
        where = " OR ".join(f"(level = {int(lv)} AND idx = {int(ix)})" for lv, ix in part)
        sql = f"SELECT level, idx, hash FROM merkle_nodes WHERE {where}"  # noqa: S608 - ints
        rows = db.session.execute(text(sql))
        out.update({(lv, ix): bytes(h) for lv, ix, h in rows})
    missing = nodes - out.keys()
    if missing:
        raise LookupError(f"Merkle nodes missing: {sorted(missing)[:3]}")
    return out


def leaf_of(entry) -> bytes:
    """The leaf of an entry: its canonical chain form in UTF-8."""
    return canonical(
        seq=entry.seq,
        at=entry.at,
        kind=entry.kind,
        source=entry.source,
        destination=entry.destination,
        asset=entry.asset,
        amount=entry.amount,
        ref=entry.ref,
    ).encode("utf-8")


def chain_size() -> int:
    return db.session.execute(select(LedgerHead.seq).where(LedgerHead.id == 1)).scalar() or 0


def tree_size() -> int:
    return state()[0]


def state() -> tuple[int, str]:
    """The stored tree's size and root."""
    row = db.session.execute(
        select(MerkleState.size, MerkleState.root).where(MerkleState.id == 1)
    ).first()
    return (row[0], row[1]) if row else (0, merkle.EMPTY_ROOT.hex())


def current() -> tuple[int, str]:
    """Size and root of the tree over the whole chain, grown first if the chain is ahead."""
    known = state()
    if known[0] < chain_size():
        sync()
        known = state()
    return known


def sync(limit: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Add the entries the tree lacks (at most `limit`); flushes. Returns the tree's size."""
    target = chain_size()
    if tree_size() >= target:
        return tree_size()
    create_once(MerkleState, id=1, size=0, root=merkle.EMPTY_ROOT.hex())
    state = lock_rows(select(MerkleState).where(MerkleState.id == 1)).one()
    target = chain_size()
    size = state.size
    if limit is not None:
        target = min(target, size + limit)
    if size >= target:
        return size
    levels = [lv for lv in range(size.bit_length()) if size >> lv & 1]
    known = fetch({(lv, (size >> lv) - 1) for lv in levels})
    frontier = {lv: known[(lv, (size >> lv) - 1)] for lv in levels}
    rows: list[dict] = []
    stmt = (
        select(*CHAIN_COLUMNS)
        .where(LedgerEntry.seq > size, LedgerEntry.seq <= target)
        .order_by(LedgerEntry.seq)
        .execution_options(yield_per=BATCH)
    )
    for entry in db.session.execute(stmt):
        index = entry.seq - 1
        if index != size:
            raise LookupError(f"ledger entry seq {size + 1} is missing")
        cur = merkle.leaf_hash(leaf_of(entry))
        rows.append({"level": 0, "idx": index, "hash": cur})
        level, j = 0, index
        while j & 1:
            cur = merkle.node_hash(frontier.pop(level), cur)
            level += 1
            j >>= 1
            rows.append({"level": level, "idx": j, "hash": cur})
        frontier[level] = cur
        size += 1
        if len(rows) >= BATCH:
            db.session.execute(insert(MerkleNode), rows)
            rows = []
            if progress:
                progress(size)
    if rows:
        db.session.execute(insert(MerkleNode), rows)
    hashes = [frontier[lv] for lv in sorted(frontier, reverse=True)]
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = merkle.node_hash(h, acc)
    state.size = size
    state.root = acc.hex()
    db.session.flush()
    return size


def root(size: int, known: tuple[int, str] | None = None) -> str:
    """The root over entries 1 … size (size ≤ the synced tree); `known` = current()."""
    known = known or state()
    if size == known[0]:
        return known[1]
    return merkle.root(size, fetch).hex()


def inclusion(index: int, size: int) -> list[str]:
    return [h.hex() for h in merkle.hashes_of(merkle.inclusion_ranges(index, size), fetch)]


def consistency(first: int, second: int) -> list[str]:
    if first == 0 or first == second:
        return []
    return [h.hex() for h in merkle.hashes_of(merkle.consistency_ranges(first, second), fetch)]


def recompute_root(size: int) -> str:
    """The root over entries 1 … size computed from the entries themselves (not the stored
    nodes), streamed with O(log n) memory: what `flask ledger verify-tree` compares."""
    frontier: list[tuple[int, bytes]] = []
    stmt = (
        select(*CHAIN_COLUMNS)
        .where(LedgerEntry.seq <= size)
        .order_by(LedgerEntry.seq)
        .execution_options(yield_per=BATCH)
    )
    for entry in db.session.execute(stmt):
        level, cur = 0, merkle.leaf_hash(leaf_of(entry))
        while frontier and frontier[-1][0] == level:
            cur = merkle.node_hash(frontier.pop()[1], cur)
            level += 1
        frontier.append((level, cur))
    if not frontier:
        return merkle.EMPTY_ROOT.hex()
    acc = frontier[-1][1]
    for _, h in reversed(frontier[:-1]):
        acc = merkle.node_hash(h, acc)
    return acc.hex()
