"""Benchmark: import and match N statement rows against N open pledges (N = 10k and 100k).

    .venv/bin/python bench/import_match.py [--sizes 10000,100000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_match.py

Each size runs on a fresh database (a temporary SQLite file, or a fresh schema of the
PostgreSQL that DATABASE_URL names, dropped afterwards): N open pledges are made as `flask demo
bulk --pledges N` makes them, a CSV statement of N credit rows (one per pledge, codes wrapped
the way banks wrap them, plus 2 % without a code) is written, and `import_statement` reads,
de-duplicates, stores, matches and posts it, committing every 3.000 rows as `flask bank import`
does. Then the rows the import wrote (bank transactions, donations, ledger entries, receipts)
are taken out and inserted again as they are, in the same chunks and commits, by plain Core
bulk inserts: the "bare insert" floor (with the same driver-level path as the import: COPY on PostgreSQL,
executemany on SQLite). Reports wall and CPU seconds, rows per second, the time
per row relative to the smallest size (1.0 = linear) and the ratio to the bare insert; beside
the per-row figure, the bare insert's own (how much the databases' B-trees grow) and that of
the import's work beyond the bare insert. `bench/host_probe.py` runs before and after: the
host's speed moves over a day, and its seconds say how fast it was.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import _database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.ledger.models import AccountBalance, Asset, LedgerEntry, LedgerHead  # noqa: E402
from app.ledger.rows import insert_rows  # noqa: E402
from app.units.models import Unit, UnitKind  # noqa: E402
from bench.host_probe import line as host_probe  # noqa: E402
from campaigns.models import Campaign, CampaignKind, CampaignStatus  # noqa: E402
from donations.bank.importing import (  # noqa: E402
    CACHE_KIB_WHILE_IMPORTING,
    CHUNK_SIZE,
    WAL_PAGES_WHILE_IMPORTING,
    import_statement,
)
from donations.bank.models import BankTransaction  # noqa: E402
from donations.models import Donation  # noqa: E402
from donations.pledges.bulk import bulk_pledges  # noqa: E402
from donations.receipts.models import Receipt, ReceiptCounter  # noqa: E402

HEADER = "Ngày GD;Số CT;Số tiền ghi nợ;Số tiền ghi có;Số dư;Nội dung chi tiết"
WRAPS = (
    "{code} ung ho",
    "MBVCB.{n}.{code} CT tu 0351000646393 NGUYEN VAN A",
    "ung ho {low}",
    "IBFT {code} GD 789604-040125 00:05:38",
)
WRITTEN = (LedgerEntry, Donation, BankTransaction, Receipt)  # in foreign-key order


def database(tmp: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database URL and its clean-up."""
    base = _database_url()
    if not base.startswith("postgresql"):
        path = tmp / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    schema = f"imp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def prepare(n: int) -> list[tuple[str, int]]:
    """Assets, a unit, a campaign and N open pledges; returns (reference, amount) pairs."""
    db.create_all()
    db.session.add(Asset(code="VND", name="Tiền", unit_label="₫", unit_value=1))
    unit = Unit(code="tinh", name="Tỉnh Đoàn Bench", kind=UnitKind.province)
    db.session.add(unit)
    db.session.flush()
    campaign = Campaign(
        slug="bench",
        title="Bench",
        kind=CampaignKind.general,
        status=CampaignStatus.published,
        unit_id=unit.id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(campaign)
    db.session.flush()
    started = time.perf_counter()
    pairs = bulk_pledges(campaign, n, seed=n, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    db.session.commit()
    print(f"  {n:>7} pledges made (demo bulk) in {time.perf_counter() - started:.1f} s")
    return pairs


def write_statement(path: Path, pledges: list[tuple[str, int]], rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("SAO KE TAI KHOAN\nSo tai khoan: 0011001932418\n\n" + HEADER + "\n")
        for n, (code, amount) in enumerate(pledges):
            day = 1 + n % 28
            memo = rng.choice(WRAPS).format(code=code, low=code.lower(), n=n)
            if n % 50 == 49:
                memo = "ung ho hoc sinh vung cao"  # 2 % without a code: the review queue
            out.write(f"{day:02d}/11/2026;FT{n:08d};;{amount:,};;{memo}\n".replace(",", "."))


def bare_insert() -> tuple[float, float]:
    """Take out what the import wrote and insert it again by plain bulk inserts; (wall, CPU)
    seconds."""
    saved = {}
    for model in WRITTEN:
        table = model.__table__
        key = table.primary_key.columns.values()[0]
        saved[model] = [dict(r._mapping) for r in db.session.execute(select(table).order_by(key))]
    if db.engine.dialect.name == "postgresql":
        # DELETE would check every row's foreign keys against tables full of dead rows.
        names = ", ".join(m.__tablename__ for m in WRITTEN)
        db.session.execute(text(f"TRUNCATE {names}, receipt_counters CASCADE"))
    else:
        for model in reversed(WRITTEN):
            db.session.execute(model.__table__.delete())
        db.session.execute(ReceiptCounter.__table__.delete())
    db.session.commit()
    rows = len(saved[BankTransaction])
    cpu, started = time.process_time(), time.perf_counter()
    wal = db.engine.dialect.name == "sqlite"
    for start in range(0, rows, CHUNK_SIZE):
        # Per chunk, as the import commits: its share of each table's rows, with the WAL
        # checkpointed as seldom and the page cache as large as the import has them.
        if wal:
            db.session.execute(text(f"PRAGMA wal_autocheckpoint={WAL_PAGES_WHILE_IMPORTING}"))
            db.session.execute(text(f"PRAGMA cache_size=-{CACHE_KIB_WHILE_IMPORTING}"))
        for model in WRITTEN:
            part = saved[model]
            share = part[start * len(part) // rows : (start + CHUNK_SIZE) * len(part) // rows]
            if share:
                # The import's own fastest path (COPY / driver executemany), so the ratio
                # measures the import's work beyond writing its rows.
                columns = list(share[0])
                insert_rows(model.__table__, columns, [tuple(r.values()) for r in share])
        db.session.commit()
    if wal:
        db.session.execute(text("PRAGMA wal_autocheckpoint=1000"))
        db.session.execute(text("PRAGMA cache_size=-65536"))
    return time.perf_counter() - started, time.process_time() - cpu


def run(n: int, tmp: Path) -> tuple[float, float, float]:
    url, cleanup = database(tmp)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            rng = random.Random(n)
            pledges = prepare(n)
            path = tmp / f"statement-{n}.csv"
            write_statement(path, pledges, rng)
            load = os.getloadavg()[0]
            cpu, started = time.process_time(), time.perf_counter()
            report = import_statement(path, checkpoint=lambda _r: db.session.commit())
            db.session.commit()
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            assert report.rows == n, report.rows
            assert report.matched + report.to_review == n, (report.matched, report.to_review)
            head = db.session.get(LedgerHead, 1)
            balance = db.session.execute(
                select(AccountBalance.balance).where(AccountBalance.account == "campaign:bench")
            ).scalar_one()
            assert head.seq == report.matched and balance == report.amount_added
            print(
                f"  {n:>7} rows: {elapsed:6.1f} s wall ({cpu:5.1f} s CPU of this process) "
                f"{n / elapsed:6.0f} rows/s  matched {report.matched}, review "
                f"{report.to_review}; load {load:.1f} → {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            bare, bare_cpu = bare_insert()
            print(
                f"  {n:>7} rows bare insert: {bare:5.1f} s wall ({bare_cpu:4.1f} s CPU), "
                f"import / bare = {elapsed / bare:4.1f} wall, {cpu / bare_cpu:4.1f} CPU; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
        return elapsed, cpu, bare
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backend = "PostgreSQL" if _database_url().startswith("postgresql") else "SQLite"
    print(f"import + match on {backend}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"  before: {host_probe()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        times = {n: run(n, Path(tmp)) for n in sizes}
    base = sizes[0]
    print(
        f"time per row relative to {base} rows (1.0 = linear), wall and CPU; then the same "
        "for the bare insert (the databases' own growth) and for the import's work beyond it "
        "(import - bare insert, wall):"
    )
    for n in sizes:
        wall = times[n][0] / n / (times[base][0] / base)
        cpu = times[n][1] / n / (times[base][1] / base)
        bare = times[n][2] / n / (times[base][2] / base)
        own = (times[n][0] - times[n][2]) / n / ((times[base][0] - times[base][2]) / base)
        print(
            f"  {n:>7}: {wall:.2f} wall, {cpu:.2f} CPU; bare insert {bare:.2f}; beyond it {own:.2f}"
        )
    print(f"  after: {host_probe()}")


if __name__ == "__main__":
    main()
