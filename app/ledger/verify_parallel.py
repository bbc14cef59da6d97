"""`flask ledger verify` on two cores: the chain checked in ranges by several processes.

Each entry's hash covers the previous entry's stored hash, so a range (a, b] can be checked on
its own: its first entry must link to the stored hash of entry a, which the range before checks
by recomputing it. The ranges' own checks, their counts, and each range's starting hash being
the previous range's last one make the same proof as one pass. This process checks the first
range while the others (fresh interpreters, each with its own connection) check the rest.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import Connection, create_engine, func, select

from app.extensions import db
from app.ledger.chain_check import Part, chain_select, check_rows
from app.ledger.models import GENESIS_HASH, LedgerEntry

# Below this many entries per process, starting processes costs more than it saves.
MIN_PER_WORKER = 100_000


def check_range(conn: Connection, after: int, upto: int, batch: int) -> Part:
    """Check entries after < seq ≤ upto, the first linking to the stored hash of `after`."""
    prev = GENESIS_HASH
    if after:
        stored = conn.execute(select(LedgerEntry.hash).where(LedgerEntry.seq == after)).scalar()
        prev = stored or ""  # entry `after` missing: the range before reports it
    rows = conn.execute(
        chain_select(batch).where(LedgerEntry.seq > after, LedgerEntry.seq <= upto)
    ).tuples()
    part = check_rows((row for chunk in rows.partitions() for row in chunk), prev, after)
    part.totals = dict(part.totals)  # a plain dict crosses the process boundary
    return part


def _child(url: str, after: int, upto: int, batch: int) -> Part:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return check_range(conn, after, upto, batch)
    finally:
        engine.dispose()


def check(workers: int, batch: int) -> Part | None:
    """The whole chain checked in `workers` ranges; None when it is too small to be worth it
    or when any range is not whole (then one pass finds and names the first break)."""
    top = db.session.execute(select(func.coalesce(func.max(LedgerEntry.seq), 0))).scalar_one()
    workers = min(workers, top // MIN_PER_WORKER)
    if workers < 2:
        return None
    url = db.engine.url.render_as_string(hide_password=False)
    bounds = [top * k // workers for k in range(workers + 1)]
    context = multiprocessing.get_context("spawn")  # no copy of this process's connections
    with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        futures = [
            pool.submit(_child, url, bounds[k], bounds[k + 1], batch) for k in range(1, workers)
        ]
        parts = [check_range(db.session.connection(), 0, bounds[1], batch)]
        parts += [future.result() for future in futures]
    totals: dict[tuple[str, str], int] = {}
    last = GENESIS_HASH
    for k, part in enumerate(parts):
        whole = part.broken is None and part.count == bounds[k + 1] - bounds[k]
        if not whole or part.start != last:
            return None
        last = part.last
        for key, amount in part.totals.items():
            totals[key] = totals.get(key, 0) + amount
    return Part(top, GENESIS_HASH, last, None, totals)
