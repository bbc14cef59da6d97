"""Benchmark: import and match N statement rows against N open pledges (N = 25k, 50k, 100k).

    .venv/bin/python bench/import_match.py [--sizes 25000,50000,100000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/import_match.py

Each size runs on a fresh database (a temporary SQLite file, or a fresh schema of the
PostgreSQL that DATABASE_URL names, dropped afterwards): N pledges are inserted in bulk, a CSV
statement of N credit rows (one per pledge, codes wrapped the way banks wrap them, plus 2 %
without a code) is written, and `import_statement` reads, de-duplicates, stores and matches it,
committing every 1.000 rows as `flask bank import` does. Reports seconds, rows per second and
the time per row relative to the smallest size (1.0 = perfectly linear growth).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.config import _database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.ledger.models import Asset  # noqa: E402
from app.units.models import Unit, UnitKind  # noqa: E402
from campaigns.models import Campaign, CampaignKind, CampaignStatus  # noqa: E402
from donations.bank.importing import import_statement  # noqa: E402
from donations.pledges.models import Pledge  # noqa: E402
from donations.pledges.refcode import new_code  # noqa: E402

HEADER = "Ngày GD;Số CT;Số tiền ghi nợ;Số tiền ghi có;Số dư;Nội dung chi tiết"
WRAPS = (
    "{code} ung ho",
    "MBVCB.{n}.{code} CT tu 0351000646393 NGUYEN VAN A",
    "ung ho {low}",
    "IBFT {code} GD 789604-040125 00:05:38",
)


def database(tmp: Path) -> tuple[str, callable]:
    """A fresh database URL and its clean-up."""
    base = _database_url()
    if not base.startswith("postgresql"):
        path = tmp / f"bench-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


def prepare(n: int, rng: random.Random) -> list[tuple[str, int]]:
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
    seen: set[str] = set()
    pledges = []
    while len(pledges) < n:
        code = new_code(rng)
        if code not in seen:
            seen.add(code)
            pledges.append((code, rng.choice((100_000, 200_000, 500_000, 1_000_000))))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [
        {
            "reference": code,
            "campaign_id": campaign.id,
            "amount": amount,
            "method": "bank",
            "monthly": False,
            "status": "pending",
            "received": 0,
            "donor_name": "Bench",
            "anonymous": False,
            "show_on_wall": False,
            "email": "",
            "phone": "",
            "message": "",
            "is_business": False,
            "company_name": "",
            "tax_code": "",
            "company_address": "",
            "created_at": now,
        }
        for code, amount in pledges
    ]
    for start in range(0, n, 5000):
        db.session.execute(insert(Pledge), rows[start : start + 5000])
    db.session.commit()
    return pledges


def write_statement(path: Path, pledges: list[tuple[str, int]], rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("SAO KE TAI KHOAN\nSo tai khoan: 0011001932418\n\n" + HEADER + "\n")
        for n, (code, amount) in enumerate(pledges):
            day = 1 + n % 28
            memo = rng.choice(WRAPS).format(code=code, low=code.lower(), n=n)
            if n % 50 == 49:
                memo = "ung ho hoc sinh vung cao"  # 2 % without a code: the review queue
            out.write(f"{day:02d}/11/2026;FT{n:08d};;{amount:,};;{memo}\n".replace(",", "."))


def run(n: int, tmp: Path) -> float:
    url, cleanup = database(tmp)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            rng = random.Random(n)
            pledges = prepare(n, rng)
            path = tmp / f"statement-{n}.csv"
            write_statement(path, pledges, rng)
            started = time.perf_counter()
            report = import_statement(path, checkpoint=lambda _r: db.session.commit())
            db.session.commit()
            elapsed = time.perf_counter() - started
            assert report.rows == n, report.rows
            assert report.matched + report.to_review == n, (report.matched, report.to_review)
            print(
                f"  {n:>7} rows: {elapsed:7.1f} s  {n / elapsed:7.0f} rows/s  "
                f"matched {report.matched}, review {report.to_review}",
                flush=True,
            )
            db.session.remove()
            db.engine.dispose()
        return elapsed
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,50000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backend = "PostgreSQL" if _database_url().startswith("postgresql") else "SQLite"
    print(f"import + match on {backend}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        times = {n: run(n, Path(tmp)) for n in sizes}
    base = sizes[0]
    print("time per row relative to", base, "rows (1.0 = linear):")
    for n in sizes:
        print(f"  {n:>7}: {times[n] / n / (times[base] / base):.2f}")


if __name__ == "__main__":
    main()
