"""Benchmark: the Merkle head, inclusion and consistency proofs, and the streamed export over a
large ledger, measured beside /healthz of the same app in the same run.

    .venv/bin/python bench/ledger_proofs.py [--entries 1000000] [--requests 500]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/ledger_proofs.py

Builds N chained entries (donations, allocations, hand-overs across several campaigns; the same
canonical form and hash chain as app.ledger.service.post, written in bulk for speed) in a
temporary SQLite file or a fresh PostgreSQL schema (dropped afterwards), grows the stored Merkle
tree as `flask ledger merkle-sync` does, then times requests through the WSGI app in-process
(no network): `/api/v1/ledger/head`, `/api/v1/ledger/proof/<random seq>`, a consistency proof,
one post followed by a head (the tree catching up in the request), and `/healthz`. The export
is streamed once with tracemalloc on to give its peak Python memory.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.campaign_page import drop_schema, prepare_database  # noqa: E402

CAMPAIGNS = ["hoc-bong-2026", "hu-gao", "nha-ban-tru-ta-lung", "xe-dap", "sach-vo"]


def build(n: int) -> None:
    """N chained entries written in batches (the chain rule of DESIGN.md §4)."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.ledger.chain import canonical, entry_hash
    from app.ledger.models import Asset, LedgerEntry, LedgerHead

    db.session.add(Asset(code="VND", name="Đồng", unit_label="₫", unit_value=1))
    db.session.commit()
    rnd = random.Random(7)
    prev = "0" * 64
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for seq in range(1, n + 1):
        campaign = f"campaign:{CAMPAIGNS[seq % len(CAMPAIGNS)]}"
        step = seq % 10
        if step < 7:
            src, dst, kind, amount = (
                "world",
                campaign,
                "donation",
                rnd.choice((50, 100, 200, 500)) * 1000,
            )
            ref = f"TS{seq:08X}"
        elif step < 9:
            src, dst, kind, amount = campaign, f"student:HS-{seq % 9973:05d}", "allocation", 100_000
            ref = f"DT-{seq // 1000:05d}"
        else:
            src, dst, kind, amount = (
                f"student:HS-{seq % 9973:05d}",
                "world",
                "disbursement",
                100_000,
            )
            ref = f"DT-{seq // 1000:05d}"
        at = start + timedelta(seconds=seq * 20)
        body = canonical(
            seq=seq,
            at=at,
            kind=kind,
            source=src,
            destination=dst,
            asset="VND",
            amount=amount,
            ref=ref,
        )
        digest = entry_hash(prev, body)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "kind": kind,
                "source": src,
                "destination": dst,
                "asset": "VND",
                "amount": amount,
                "ref": ref,
                "idempotency_key": f"bench:{seq}",
                "reverses_seq": None,
                "label": "Nhà hảo tâm",
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
        if len(rows) == 20_000:
            db.session.execute(insert(LedgerEntry), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(insert(LedgerEntry), rows)
    db.session.add(LedgerHead(id=1, seq=n, hash=prev))
    db.session.commit()


def timed(client, urls: list[str]) -> list[float]:
    out = []
    for url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return out


def summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    q = statistics.quantiles(values, n=100)
    return (
        f"| {name} | {len(values)} | {statistics.median(values):.1f} | {q[94]:.1f} | "
        f"{q[98]:.1f} | {values[-1]:.1f} |"
    )


def _gift_refs(top: int, rnd: random.Random, count: int = 40) -> list[str]:
    """References of random gifts of an existing ledger (the trace's input)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.ledger.models import LedgerEntry

    refs: list[str] = []
    while len(refs) < count:
        seqs = [rnd.randint(1, top) for _ in range(200)]
        rows = db.session.execute(
            select(LedgerEntry.ref).where(
                LedgerEntry.seq.in_(seqs), LedgerEntry.kind == "donation", LedgerEntry.ref != ""
            )
        ).scalars()
        refs += list(rows)
    return refs[:count]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=500)
    ap.add_argument(
        "--database",
        help="an existing database (e.g. built by `flask demo bulk`): nothing built or dropped",
    )
    ap.add_argument("--no-export", action="store_true", help="skip streaming the export")
    args = ap.parse_args()
    if args.database:
        url, schema = args.database, None
    else:
        url, schema = prepare_database(Path(tempfile.mkdtemp(prefix="ledger-bench-")))
    os.environ["DATABASE_URL"] = url
    from app import create_app
    from app.extensions import db
    from app.ledger import service as ledger
    from transparency.verification import tree

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    app = None
    try:
        app = create_app("development", {"RATELIMIT_ENABLED": False})  # DATABASE_URL set above
        built = synced = 0.0
        with app.app_context():
            if not args.database:
                db.create_all()
                t0 = time.perf_counter()
                build(args.entries)
                built = time.perf_counter() - t0
            t0 = time.perf_counter()
            while True:
                before = tree.tree_size()
                size = tree.sync(limit=50_000)
                db.session.commit()
                if size == before:
                    break
            synced = time.perf_counter() - t0
            n = ledger.head()[0]
            gift_refs = _gift_refs(n, random.Random(5)) if args.database else []
        client = app.test_client()
        rnd = random.Random(11)
        reqs = args.requests
        timed(client, ["/healthz", "/api/v1/ledger/head"] * 5)  # warm up
        results = {
            "/healthz": timed(client, ["/healthz"] * reqs),
            "/api/v1/ledger/head": timed(client, ["/api/v1/ledger/head"] * reqs),
            "/api/v1/ledger/proof/<seq>": timed(
                client, [f"/api/v1/ledger/proof/{rnd.randint(1, n)}" for _ in range(reqs)]
            ),
            "/api/v1/ledger/consistency": timed(
                client,
                [
                    f"/api/v1/ledger/consistency?first={rnd.randint(1, n)}&second={n}"
                    for _ in range(reqs)
                ],
            ),
        }
        after_post = []
        with app.app_context():
            for i in range(min(reqs, 200)):
                ledger.post(
                    source="world",
                    destination="campaign:hu-gao",
                    asset="VND",
                    amount=10_000,
                    kind="donation",
                    ref=f"TSBENCH{i:03d}",
                    idempotency_key=f"bench:post:{n}:{i}",  # new entries on every run
                )
                db.session.commit()
                after_post += timed(client, ["/api/v1/ledger/head"])
        results["head right after a post (tree catches up)"] = after_post
        if not gift_refs:
            gifts = [seq for seq in (rnd.randint(1, n) for _ in range(200)) if seq % 10 < 7][:20]
            gift_refs = [f"TS{seq:08X}" for seq in gifts]
        results["/api/v1/trace/<ref> (FIFO over the campaign)"] = timed(
            client, [f"/api/v1/trace/{ref}" for ref in gift_refs]
        )
        print(
            f"\n{engine}, {n:,} entries: built in {built:.0f} s, Merkle tree grown in {synced:.1f} s"
        )
        print(
            "\n| request | n | p50 ms | p95 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- | --- |"
        )
        for name, values in results.items():
            print(summary(name, values))
        if args.no_export:
            return 0
        tracemalloc.start()
        t0 = time.perf_counter()
        response = client.get("/api/v1/ledger/export.jsonl")
        size = sum(len(chunk) for chunk in response.response)
        exported = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"\nexport.jsonl: {size / 1e6:.0f} MB streamed in {exported:.1f} s, "
            f"peak Python memory {peak / 1e6:.1f} MB"
        )
    finally:
        if schema:
            if app is not None:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
            drop_schema(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
