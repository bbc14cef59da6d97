"""Copy every table of one database into another (SQLite → PostgreSQL), for benchmarks.

    .venv/bin/python bench/copy_database.py SOURCE_URL TARGET_URL

`flask demo bulk` posts through the ledger's real path, one entry at a time, a round trip per
statement: on a busy machine PostgreSQL builds a large ledger far more slowly than SQLite. A
ledger built on SQLite is copied here, table by table in foreign-key order, in chunks of
executemany inserts (the target is emptied first: run `flask db upgrade` on it before). The
rows are the same rows; the target's own indexes (the GIN index of the name search included)
are built as they arrive.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 5000


def main(source_url: str, target_url: str) -> int:
    from sqlalchemy import create_engine, func, select, text

    from app import create_app
    from app.extensions import db

    def driver(url: str) -> str:  # psycopg 3, as app.config does
        return url.replace("postgresql://", "postgresql+psycopg://", 1)

    create_app("development", {"SQLALCHEMY_DATABASE_URI": source_url})  # every model known
    source = create_engine(driver(source_url))
    target = create_engine(driver(target_url))
    tables = db.metadata.sorted_tables
    with target.begin() as out:
        for table in reversed(tables):
            out.execute(table.delete())
    started = time.perf_counter()
    with source.connect() as src:
        for table in tables:
            total = src.execute(select(func.count()).select_from(table)).scalar_one()
            if not total:
                continue
            rows = src.execution_options(yield_per=CHUNK).execute(select(table))
            with target.begin() as out:
                for part in rows.partitions():
                    out.execute(table.insert(), [dict(r._mapping) for r in part])
            print(f"{table.name}: {total}", flush=True)
    if target.dialect.name == "postgresql":
        # Read-only benchmarks only: the id sequences are left where they were.
        with target.begin() as out:
            out.execute(text("ANALYZE"))
    print(f"copied in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
