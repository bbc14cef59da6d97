"""Profile credited SePay notifications in-process (Flask test client) on PostgreSQL.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/webhook_profile.py
    (options: -n 300, --sql to print one notification's statements, --pyinstrument)

Same set-up as bench/webhook_load.py (a fresh schema, production config), without gunicorn:
CPU per notification in this process, and the SQL statements of one notification, those sent
while the ledger's chain lock is held (from the `ledger_head … FOR UPDATE` to the commit) apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import _database_url  # noqa: E402
from bench.webhook_load import KEY, app_env, body, fresh_schema, prepare  # noqa: E402


def by_package(profiler, count: int) -> None:
    """Own CPU time per notification, summed by package (where the time is really spent)."""
    import pstats

    stats = pstats.Stats(profiler)
    totals: dict[str, float] = {}
    calls: dict[str, int] = {}
    for (path, _line, _name), (_cc, nc, own, _cum, _callers) in stats.stats.items():
        parts = path.split("site-packages/")
        if len(parts) > 1:
            key = parts[1].split("/")[0]
        elif str(ROOT) in path:
            key = "/".join(Path(path).relative_to(ROOT).parts[:2])
        else:
            key = "stdlib/builtins"
        totals[key] = totals.get(key, 0) + own
        calls[key] = calls.get(key, 0) + nc
    print(
        f"  {sum(calls.values()) / count:8.0f} Python calls per notification (a steady CPU proxy)"
    )
    for key, own in sorted(totals.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {own / count * 1000:6.2f} ms {calls[key] / count:7.0f} calls  {key}")
    stats.sort_stats("cumulative").print_stats(
        r"/(app|donations|transparency)/|sqlalchemy/orm/(session|scoping).py.*(flush|execute|commit)",
        40,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--sql", action="store_true", help="print one notification's SQL")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--cprofile", action="store_true", help="CPU by package (cProfile)")
    parser.add_argument("--queue", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    base = _database_url()
    if not base.startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the bench makes a schema).")
    app_url, env_url, drop = fresh_schema(base)
    tmp = Path(tempfile.mkdtemp(prefix="wh-profile-"))
    env = app_env(env_url, tmp, args.queue)
    try:
        warm = 20
        pledges = prepare(env, warm + args.n + 1)
        from sqlalchemy import event

        from app import create_app
        from app.extensions import db

        app = create_app("production")
        client = app.test_client()
        headers = {"Authorization": f"Apikey {KEY}", "Content-Type": "application/json"}
        work = list(enumerate(pledges))

        def send(n: int, code: str, amount: int) -> None:
            response = client.post(
                "/webhooks/bank/sepay", data=body(code, amount, n), headers=headers
            )
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.get_data(as_text=True)}")

        for n, (code, amount) in work[:warm]:
            send(n, code, amount)
        with app.app_context():
            engine = db.engine
        statements: list[str] = []
        durations: list[float] = []
        starts: list[float] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        event.listen(engine, "before_cursor_execute", lambda *a: starts.append(time.perf_counter()))
        event.listen(
            engine,
            "after_cursor_execute",
            lambda *a: durations.append(time.perf_counter() - starts[-1]),
        )
        n, (code, amount) = work[warm]
        send(n, code, amount)
        locked = next((i for i, s in enumerate(statements) if "FOR UPDATE" in s), len(statements))
        print(
            f"one notification: {len(statements)} statements, {len(statements) - locked} under "
            f"the chain lock (+ COMMIT)"
        )
        if args.sql:
            for i, statement in enumerate(statements):
                mark = "L" if i >= locked else " "
                spent = durations[i] * 1000 if i < len(durations) else 0
                print(f"  {mark} {spent:5.2f} ms {' '.join(statement.split())[:140]}")
        # How long each notification holds the chain lock: from its FOR UPDATE to its commit.
        from sqlalchemy.orm import Session

        held: list[float] = []
        taken: list[float] = []

        def stamp(_conn, _cursor, statement, *_args) -> None:
            if "FOR UPDATE" in statement and "ledger_head" in statement:
                taken.append(time.perf_counter())

        def released(_session) -> None:
            if taken:
                held.append(time.perf_counter() - taken.pop())

        event.listen(engine, "before_cursor_execute", stamp)
        event.listen(Session, "after_commit", released)
        totals: dict[str, list[float]] = {}

        def timed(_conn, _cursor, statement, *_args) -> None:
            entry = totals.setdefault(statement, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - starts[-1]

        event.listen(engine, "after_cursor_execute", timed)
        rest = work[warm + 1 :]
        profiler = None
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        elif args.cprofile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
        times = []
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        for n, (code, amount) in rest:
            t0 = time.perf_counter()
            send(n, code, amount)
            times.append(time.perf_counter() - t0)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        if args.pyinstrument:
            profiler.stop()
        elif args.cprofile:
            profiler.disable()
        print(
            f"{len(rest)} notifications: CPU {cpu / len(rest) * 1000:.2f} ms each (this process), "
            f"wall {wall / len(rest) * 1000:.2f} ms each, p50 {statistics.median(times) * 1000:.2f}"
            f" ms; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        if args.sql:
            print("mean time of each statement (sent to answer), over the run:")
            for statement, (count, total) in totals.items():
                text_ = " ".join(statement.split())[:100]
                print(f"  {total / count * 1000:5.2f} ms × {count / len(rest):.1f}  {text_}")
        if held:
            print(
                f"chain lock held (FOR UPDATE to commit, one at a time): p50 "
                f"{statistics.median(held) * 1000:.2f} ms, mean {statistics.mean(held) * 1000:.2f} ms"
            )
        if args.pyinstrument:
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        elif args.cprofile:
            by_package(profiler, len(rest))
        with app.app_context():
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
