"""Benchmark: the campaign page against /healthz of the same app, served by gunicorn.

    .venv/bin/python bench/campaign_page.py [--seconds 10] [--rounds 3] [--workers 4]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/campaign_page.py

Seeds the demo data into a temporary SQLite file (or a fresh schema of the PostgreSQL that
DATABASE_URL names, dropped afterwards), starts gunicorn on a free loopback port, and drives
both paths alternately with the bounded client of bench/campaigns_load.py (or `wrk` when it is
on PATH). The campaign page must reach at least half of the trivial endpoint's rate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.campaigns_load import Result, run  # noqa: E402

CAMPAIGN = "/chien-dich/nha-ban-tru-ta-lung"
TRIVIAL = "/healthz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(tmp: Path) -> tuple[str, str | None]:
    """A database URL for the run, and the PostgreSQL schema to drop afterwards (if any)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp / 'bench.db'}", None
    from sqlalchemy import create_engine, text

    from app.config import _database_url

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(_database_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from app.config import _database_url

    engine = create_engine(_database_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def seed(env: dict) -> None:
    """Create the tables and the demo data in a child process with the run's environment."""
    code = (
        "from app import create_app, demo, uow\n"
        "from app.extensions import db\n"
        "app = create_app('development')\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    demo.seed_all(lambda _: None)\n"
        "    uow.commit()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def wait_until_up(base: str, proc: subprocess.Popen) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with urllib.request.urlopen(base + TRIVIAL, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not answer")


def _to_ms(raw: str) -> float:
    """wrk's durations (850.00us, 12.34ms, 1.02s) in milliseconds."""
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if raw.endswith(suffix):
            return float(raw[: -len(suffix)]) * factor
    return float(raw)


def with_wrk(port: int, path: str, seconds: float, connections: int) -> Result:
    """Use wrk when installed (its client costs little CPU, so the server is what is measured)."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line.strip() for line in out.splitlines()]
    requests = int(next(line for line in lines if "requests in" in line).split()[0])
    errors = sum(int(line.split()[-1]) for line in lines if line.startswith("Non-2xx"))
    p50 = _to_ms(next(line.split()[1] for line in lines if line.startswith("50%")))
    p99 = _to_ms(next(line.split()[1] for line in lines if line.startswith("99%")))
    return Result(path, requests, errors, seconds, p50, p99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per path")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--install-wrk", action="store_true", help="apt-get install wrk if missing")
    parser.add_argument("--python-client", action="store_true", help="ignore wrk even if installed")
    parser.add_argument("--no-cache", action="store_true", help="CACHE_SECONDS=0, to see the cost")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-campaigns-"))
    url, schema = prepare_database(tmp)
    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp),
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "SECRET_KEY": "bench-" + "x" * 40,
        "RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    }
    gunicorn = None
    try:
        seed(env)
        target = (
            "app:create_app('development', {'CACHE_SECONDS': 0})" if args.no_cache else "wsgi:app"
        )
        gunicorn = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                target,
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, gunicorn)
        if args.install_wrk and shutil.which("wrk") is None:
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        use_wrk = shutil.which("wrk") is not None and not args.python_client
        measure = (
            (lambda path: with_wrk(port, path, args.seconds, args.clients))
            if use_wrk
            else (
                lambda path: run(
                    "127.0.0.1", port, path, args.seconds, processes=2, threads=args.clients // 2
                )
            )
        )
        for path in (TRIVIAL, CAMPAIGN):  # warm both (imports, caches, connections)
            run("127.0.0.1", port, path, 1.0, processes=1, threads=2)
        totals: dict[str, list[Result]] = {TRIVIAL: [], CAMPAIGN: []}
        for _ in range(args.rounds):
            for path in (TRIVIAL, CAMPAIGN):
                totals[path].append(measure(path))
        print(
            f"database: {'PostgreSQL' if schema else 'SQLite'} · gunicorn -w {args.workers} (sync) · "
            f"cache {'off' if args.no_cache else 'on'} · "
            f"client: {'wrk' if use_wrk else 'bench/campaigns_load.py'} {args.clients} concurrent · "
            f"{args.rounds} × {args.seconds:g}s per path"
        )
        rates = {}
        for path, results in totals.items():
            requests = sum(r.requests for r in results)
            seconds = sum(r.seconds for r in results)
            errors = sum(r.errors for r in results)
            rates[path] = requests / seconds
            p50 = sorted(r.p50_ms for r in results)[len(results) // 2]
            p99 = max(r.p99_ms for r in results)
            print(
                f"{path:<40} {rates[path]:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}"
            )
        ratio = rates[CAMPAIGN] / rates[TRIVIAL]
        print(f"campaign page / trivial endpoint = {ratio:.2f} (needs ≥ 0.50)")
        return 0 if ratio >= 0.5 else 1
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=10)
        if schema:
            drop_schema(schema)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
