"""Benchmark: SePay notifications against gunicorn -w 4 on PostgreSQL, then receipts by workers.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/webhook_load.py
    (options: --sequential 300 --concurrent 4000 --senders 16 --web-workers 4
     --job-workers 2 --queue redis://127.0.0.1:6379/13)

A fresh PostgreSQL schema is migrated (`flask db upgrade`) and given open bank pledges, each
with its own code, amount and donor e-mail. gunicorn serves the app as in production
(deploy/gunicorn.conf.py, APP_ENV=production, rate limits off, jobs to the queue); every
notification pays a different pledge, authenticated with the SePay API key as SePay sends it.

1. One at a time: p50 and p95 of the answer (each notification credited: ledger entry,
   donation, numbered receipt, the receipt's mail job queued).
2. `--senders` concurrent senders: credited transfers per second and p95.
3. gunicorn stopped, `--job-workers` worker processes (`flask jobs worker`) render and send
   every receipt (PDF attached, written to a temporary mail folder): receipts per second,
   from the first receipt sent to the last.

The load average before and after is printed, and `bench/host_probe.py`'s seconds: the machine is
shared and its speed moves over a day; say so with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from app.config import _database_url  # noqa: E402
from bench.host_probe import line as host_probe  # noqa: E402

KEY = "bench-sepay-key"
APP_NAME = "webhook_bench"
ACCOUNT = "0071000888999"


def app_env(database_url: str, tmp: Path, queue: str) -> dict:
    """The environment gunicorn and the workers run in: production, as the fund deploys it."""
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        "RATELIMIT_ENABLED": "0",
        "SEPAY_API_KEY": KEY,
        "BANK_ACCOUNT_NUMBER": ACCOUNT,
        "BANK_BIN": "970436",
        "BANK_ACCOUNT_NAME": "QUY BENCH",
        "LEDGER_SIGNING_KEY": os.urandom(32).hex(),
        "JOBS_URL": queue,
        "MAIL_OUTBOX": str(tmp / "outbox"),
        "INSTANCE_PATH": str(tmp / "instance"),
        "SITE_URL": "https://thapsang.example",
    }
    env.pop("REDIS_URL", None)
    return env


def fresh_schema(base: str) -> tuple[str, str, callable]:
    """A new schema on the PostgreSQL `base`; (url for the app, url for DATABASE_URL, drop)."""
    schema = f"wh_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in base else "?"
    # The application name lets the bench find its own PostgreSQL backends (their CPU time).
    url = f"{base}{sep}options=-csearch_path%3D{schema}&application_name={APP_NAME}"
    return url, url.replace("postgresql+psycopg://", "postgresql://", 1), drop


def prepare(env: dict, n: int) -> list[tuple[str, int]]:
    """Migrate the schema and insert N open bank pledges; their (code, amount)."""
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    from app import create_app
    from app.extensions import db
    from app.units.models import Unit, UnitKind
    from campaigns.models import Campaign, CampaignKind, CampaignStatus
    from donations.pledges.models import Pledge
    from donations.pledges.refcode import new_code

    app = create_app("production")
    rng = random.Random(n)
    with app.app_context():
        unit = Unit(code="tinh-bench", name="Tỉnh Đoàn Bench", kind=UnitKind.province)
        db.session.add(unit)
        db.session.flush()
        campaign = Campaign(
            slug="bench-webhooks",
            title="Tiếp sức đến trường (bench)",
            kind=CampaignKind.general,
            status=CampaignStatus.published,
            unit_id=unit.id,
            starts_on=date(2026, 1, 1),
        )
        db.session.add(campaign)
        db.session.flush()
        codes: set[str] = set()
        while len(codes) < n:
            codes.add(new_code(rng))
        pledges = [(code, 50_000 + 1_000 * i) for i, code in enumerate(sorted(codes))]
        rng.shuffle(pledges)
        now = datetime.now(UTC)
        rows = [
            {
                "reference": code,
                "campaign_id": campaign.id,
                "amount": amount,
                "method": "bank",
                "monthly": False,
                "status": "pending",
                "received": 0,
                "donor_name": f"Nhà hảo tâm {i}",
                "anonymous": False,
                "show_on_wall": False,
                "email": f"donor{i}@example.org",
                "phone": "",
                "message": "",
                "is_business": False,
                "company_name": "",
                "tax_code": "",
                "company_address": "",
                "created_at": now,
            }
            for i, (code, amount) in enumerate(pledges)
        ]
        for start in range(0, n, 5000):
            db.session.execute(insert(Pledge), rows[start : start + 5000])
        db.session.commit()
        db.engine.dispose()
    return pledges


def body(code: str, amount: int, n: int) -> bytes:
    """A SePay notification paying `code` (VIETQR.md §3)."""
    return json.dumps(
        {
            "id": 9_000_000 + n,
            "gateway": "VietinBank",
            "transactionDate": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            "accountNumber": ACCOUNT,
            "code": None,
            "content": f"MBVCB.{n}.{code} ung ho",
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 10_000_000,
            "subAccount": None,
            "referenceCode": f"FT26{n:010d}",
            "description": f"MBVCB.{n}.{code} ung ho",
        }
    ).encode()


def post(port: int, payload: bytes) -> tuple[float, int]:
    """Send one notification on a new connection; (seconds, status)."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/webhooks/bank/sepay",
            body=payload,
            headers={"Authorization": f"Apikey {KEY}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        response.read()
        return time.perf_counter() - started, response.status
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def sequential(port: int, work: list[tuple[int, str, int]]) -> list[float]:
    times = []
    for n, code, amount in work:
        seconds, status = post(port, body(code, amount, n))
        if status != 200:
            raise RuntimeError(f"notification {n} answered {status}")
        times.append(seconds)
    return times


def concurrent(port: int, work: list[tuple[int, str, int]], senders: int) -> tuple[list, float]:
    """`senders` threads share the work; (latencies, wall seconds)."""
    lock = threading.Lock()
    items = iter(work)
    latencies: list[float] = []
    bad: list[int] = []

    def sender() -> None:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            n, code, amount = item
            seconds, status = post(port, body(code, amount, n))
            with lock:
                latencies.append(seconds)
                if status != 200:
                    bad.append(status)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if bad:
        raise RuntimeError(f"{len(bad)} notifications failed: {sorted(set(bad))}")
    return latencies, wall


def child_cpu() -> float:
    """CPU seconds used by the finished child processes (gunicorn and its workers, job workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def running_cpu(server_pid: int, engine) -> tuple[float, float]:
    """(gunicorn master and workers, the PostgreSQL backends serving them): CPU seconds so far.

    Read while they run, so a phase's figure leaves out the workers' start-up."""
    web = proc_cpu(server_pid) + sum(proc_cpu(pid) for pid in children(server_pid))
    with engine.connect() as conn:
        pids = conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                "AND pid <> pg_backend_pid()"
            ),
            {"name": APP_NAME},
        ).scalars()
        pg = sum(proc_cpu(pid) for pid in pids)
    return web, pg


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def phase_cpu(before: tuple, after: tuple, own: float, count: int) -> str:
    web, pg = ((b - a) / count * 1000 for a, b in zip(before, after, strict=True))
    return (
        f"    CPU per notification in this phase: gunicorn {web:.1f} ms, PostgreSQL backends "
        f"{pg:.1f} ms, this bench's senders {own / count * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--concurrent", type=int, default=4000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--job-workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker process")
    parser.add_argument("--queue", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--skip-receipts", action="store_true", help="stop after the web part")
    args = parser.parse_args()
    base = _database_url()
    if not base.startswith("postgresql"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the bench makes a schema).")
    warm = 20
    total = warm + args.sequential + args.concurrent
    app_url, env_url, drop = fresh_schema(base)
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    env = app_env(env_url, tmp, args.queue)
    print(f"webhooks on PostgreSQL, {os.cpu_count()} CPUs, load average {load()}", flush=True)
    print(f"  before: {host_probe()}", flush=True)
    server = None
    try:
        pledges = prepare(env, total)
        print(f"  {total} open pledges ready", flush=True)
        from huey import RedisHuey, SqliteHuey

        if args.queue.startswith("redis"):
            RedisHuey("thapsang", url=args.queue).flush()
        else:
            SqliteHuey("thapsang", filename=args.queue.removeprefix("sqlite:///")).flush()
        port = free_port()
        cpu_before = child_cpu()
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env={
                **env,
                "WEB_CONCURRENCY": str(args.web_workers),
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_LOG_LEVEL": "warning",
            },
        )
        wait_for(port)
        engine = create_engine(app_url.replace("postgresql://", "postgresql+psycopg://", 1))
        work = [(n, code, amount) for n, (code, amount) in enumerate(pledges)]
        sequential(port, work[:warm])  # every worker imports, connects, warms its caches
        cpu0 = running_cpu(server.pid, engine)
        own0 = time.process_time()
        one = sequential(port, work[warm : warm + args.sequential])
        cpu1 = running_cpu(server.pid, engine)
        own1 = time.process_time()
        print(
            f"  one at a time: {len(one)} credited, p50 {pct(one, 50):.1f} ms, "
            f"p95 {pct(one, 95):.1f} ms, mean {statistics.mean(one) * 1000:.1f} ms",
            flush=True,
        )
        print(phase_cpu(cpu0, cpu1, own1 - own0, len(one)), flush=True)
        many, wall = concurrent(port, work[warm + args.sequential :], args.senders)
        cpu2 = running_cpu(server.pid, engine)
        own2 = time.process_time()
        print(
            f"  {args.senders} senders: {len(many)} credited in {wall:.1f} s = "
            f"{len(many) / wall:.0f}/s, p50 {pct(many, 50):.1f} ms, p95 {pct(many, 95):.1f} ms, "
            f"p99 {pct(many, 99):.1f} ms; load average {load()}",
            flush=True,
        )
        print(phase_cpu(cpu1, cpu2, own2 - own1, len(many)), flush=True)
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        server = None
        web_cpu = (child_cpu() - cpu_before) / total * 1000
        print(
            f"  gunicorn CPU: {web_cpu:.1f} ms per notification (start-up included; PostgreSQL's "
            f"own CPU not counted) = {2000 / web_cpu:.0f}/s on 2 idle cores at most",
            flush=True,
        )
        with engine.connect() as conn:
            credited = conn.execute(
                text("SELECT count(*) FROM donations WHERE provider = 'sepay'")
            ).scalar_one()
            queued = conn.execute(text("SELECT count(*) FROM mail_outbox")).scalar_one()
        print(f"  ledger: {credited} donations credited, {queued} receipt mails queued", flush=True)
        if credited != total:
            raise RuntimeError(f"expected {total} credited, found {credited}")
        if not args.skip_receipts:
            receipts(env, engine, queued, args)
        engine.dispose()
        print(f"  after: {host_probe()}", flush=True)
    finally:
        if server is not None:
            server.kill()
        drop()


def receipts(env: dict, engine, expected: int, args) -> None:
    """Start the job workers and time them through every queued receipt."""
    workers = [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/flask"), "jobs", "worker", "--workers", str(args.threads)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.job_workers)
    ]
    started = time.perf_counter()
    cpu_before = child_cpu()
    sent = 0
    try:
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                sent = conn.execute(
                    text("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")
                ).scalar_one()
            if sent >= expected:
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
    cpu = (child_cpu() - cpu_before) / max(sent, 1) * 1000
    with engine.connect() as conn:
        first, last = conn.execute(text("SELECT min(sent_at), max(sent_at) FROM mail_outbox")).one()
    span = (last - first).total_seconds() if first and last else 0
    rate = (sent - 1) / span if span else 0
    print(
        f"  workers ({args.job_workers} processes × {args.threads} threads): {sent}/{expected} "
        f"receipts (PDF + mail) sent, {rate:.0f}/s from the first to the last "
        f"({sent / wall:.0f}/s counting worker start-up); load average {load()}",
        flush=True,
    )
    print(
        f"  worker CPU: {cpu:.1f} ms per receipt (start-up included) = {2000 / cpu:.0f}/s "
        "on 2 idle cores at most",
        flush=True,
    )


if __name__ == "__main__":
    main()
