"""Benchmark: every kind of statement search, p50/p95/p99, side by side with /healthz.

    FLASK_APP=wsgi.py DATABASE_URL=sqlite:////tmp/big.db .venv/bin/flask db upgrade
    FLASK_APP=wsgi.py DATABASE_URL=sqlite:////tmp/big.db .venv/bin/flask demo bulk --entries 1000000
    DATABASE_URL=sqlite:////tmp/big.db .venv/bin/python bench/statement_search.py [--requests 200]

(the same with a PostgreSQL DATABASE_URL). The database is the one DATABASE_URL names, built
beforehand by `flask demo bulk` (building a million entries takes longer than a benchmark
should). gunicorn serves it on a free loopback port; one client sends the requests one after
the other, the kinds interleaved (healthz, reference, bank reference, name, amount range, date
range with campaign, deep page; through the API and the page), so that every kind meets the
same machine load. The parameters are drawn from the database itself (existing references,
bank references, donor names folded without diacritics, campaigns and date windows). The target:
p95 < 50 ms and p99 < 100 ms for every search at 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def samples(count: int, seed: int) -> tuple[int, dict[str, list[dict]]]:
    """Search parameters drawn from the database: (entries, {kind: [query args]})."""
    from sqlalchemy import func, select

    from app import create_app
    from app.dbtypes import VN_TZ
    from app.extensions import db
    from app.ledger.models import LedgerEntry
    from transparency.statement.indexing import fold
    from transparency.statement.models import StatementRow

    rng = random.Random(seed)
    app = create_app("development")
    with app.app_context():
        top = db.session.execute(select(func.max(LedgerEntry.seq))).scalar_one() or 0
        picks = [rng.randint(1, top) for _ in range(count * 20)]

        def rows(*where, limit=count):
            found = []
            for start in picks:
                row = db.session.execute(
                    select(StatementRow, LedgerEntry.label, LedgerEntry.ref)
                    .join(LedgerEntry, LedgerEntry.seq == StatementRow.seq)
                    .where(StatementRow.seq >= start, *where)
                    .order_by(StatementRow.seq)
                    .limit(1)
                ).first()
                if row is not None:
                    found.append(row)
                if len(found) >= limit:
                    break
            return found

        gifts = rows(StatementRow.kind == "donation", LedgerEntry.label != "")
        banked = rows(StatementRow.bank_key != "")
        campaigns = [r.StatementRow.campaign for r in gifts if r.StatementRow.campaign]
        out: dict[str, list[dict]] = {
            "reference": [{"q": r.ref.lower()} for r in gifts],
            "bank reference": [{"q": r.StatementRow.bank_key} for r in banked],
            "name without diacritics": [{"q": fold(r.label)} for r in gifts],
            "amount range": [],
            "date range + campaign": [],
            "deep page": [{"cursor": str(rng.randint(1, max(top // 10, 2)))} for _ in gifts],
        }
        for r in gifts:
            low = rng.choice((100_000, 200_000, 500_000, 1_000_000, 2_000_000))
            out["amount range"].append({"min": str(low), "max": str(low * rng.choice((2, 3, 5)))})
            day = r.StatementRow.at.astimezone(VN_TZ).date()
            out["date range + campaign"].append(
                {
                    "campaign": rng.choice(campaigns),
                    "from": day.isoformat(),
                    "to": (day + timedelta(days=rng.choice((1, 7, 30)))).isoformat(),
                }
            )
        return top, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per kind and path")
    parser.add_argument("--warmup", type=int, default=10, help="rounds not counted")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--paths", default="api,page", help="api, page or both")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL must name a database built with `flask demo bulk`.")

    entries, kinds = samples(args.requests + args.warmup, args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-statement-"))
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "INSTANCE_PATH": str(tmp),
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "SECRET_KEY": "bench-" + "x" * 40,
        "RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(200):
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                connection.close()
                time.sleep(0.1)

        def timed(url: str) -> float:
            started = time.perf_counter()
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                raise SystemExit(f"{url} answered {response.status}")
            return elapsed

        paths = [p for p in ("api", "page") if p in args.paths.split(",")]
        bases = {"api": "/api/v1/ledger?", "page": "/sao-ke?"}
        times: dict[str, list[float]] = {"/healthz": []}
        for path in paths:
            for kind in kinds:
                times[f"{path}: {kind}"] = []
        rounds = min(len(v) for v in kinds.values())
        for i in range(rounds):
            plan = [("/healthz", "/healthz")]
            for path in paths:
                for kind, params in kinds.items():
                    url = bases[path] + urllib.parse.urlencode(params[i])
                    plan.append((f"{path}: {kind}", url))
            for label, url in plan:
                elapsed = timed(url)
                if i >= args.warmup:
                    times[label].append(elapsed)
    finally:
        server.terminate()
        server.wait()

    direct = in_process(kinds, args.warmup)
    dialect = "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"{dialect}, {entries:,} entries, gunicorn -w {args.workers} (sync), one client, "
        f"{rounds - args.warmup} requests per row, load average {os.getloadavg()[0]:.1f}"
    )
    print("| request | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, values in times.items():
        if not values:
            continue
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        print(
            f"| {label} | {statistics.median(values):.1f} | {cuts[94]:.1f} | {cuts[98]:.1f} "
            f"| {max(values):.1f} |"
        )
    print()
    print("In the benchmark's own process, no HTTP (the database's share of the time):")
    print("| search | page() p50 ms | p95 ms | p99 ms | totals() p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, (pages, sums) in direct.items():
        a = statistics.quantiles(pages, n=100, method="inclusive")
        b = statistics.quantiles(sums, n=100, method="inclusive")
        print(
            f"| {kind} | {statistics.median(pages):.1f} | {a[94]:.1f} | {a[98]:.1f} "
            f"| {statistics.median(sums):.1f} | {b[94]:.1f} | {b[98]:.1f} |"
        )
    return 0


def in_process(kinds: dict[str, list[dict]], warmup: int) -> dict[str, tuple[list, list]]:
    """Time services.page() and services.totals() for every sample, without HTTP."""
    from app import create_app
    from app.extensions import db
    from transparency.statement import services
    from transparency.statement.filters import parse_filters

    app = create_app("development")
    out: dict[str, tuple[list, list]] = {}
    with app.test_request_context():
        for kind, params in kinds.items():
            pages, sums = [], []
            for i, args in enumerate(params):
                filters = parse_filters(args)
                started = time.perf_counter()
                services.page(filters)
                middle = time.perf_counter()
                services.totals(filters)
                ended = time.perf_counter()
                db.session.rollback()
                if i >= warmup:
                    pages.append((middle - started) * 1000)
                    sums.append((ended - middle) * 1000)
            out[kind] = (pages, sums)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
