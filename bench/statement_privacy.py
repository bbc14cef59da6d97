"""Benchmark + check: no child's secret on any public page or download of a large ledger.

    .venv/bin/python bench/statement_privacy.py --database sqlite:////tmp/big.db
    .venv/bin/python bench/statement_privacy.py --database postgresql://…   # writes markers

A SQLite database is first copied (the benchmark database is never written); a PostgreSQL one
is used as it is. In it every child's ethnicity becomes a marker (as tests/students/
test_privacy.py does: "Thái", "Kinh" are ordinary words), and the secrets are collected with
the test's own helper (full names, guardians, phones, addresses, dates of birth in three
forms). `gunicorn -w 2` (sync) then serves it; the script fetches every public GET route
filled with the ledger's own values (tests/fixtures/students.py public_urls), statement searches
(references, donor names, the children's names, amount and date ranges, deep pages), traces,
entry pages and proofs of random entries and of the children's allocations, and streams the
full /sao-ke CSV and XLSX and /api/v1/ledger/export.jsonl. Every body goes through the leak
scanner as it arrives (the XLSX is spooled to a temporary file and its XML members are scanned
as they are inflated); nothing is held whole. Memory: VmHWM (the RSS high-water mark) of both
gunicorn workers from /proc, reset through /proc/<pid>/clear_refs before each download.
Exit status 1 on any leak or any answer >= 500.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DOWNLOADS = ("/sao-ke/tai-ve.csv", "/sao-ke/tai-ve.xlsx", "/api/v1/ledger/export.jsonl")


def prepare(url: str, workdir: Path, copy: bool) -> str:
    """A writable database: a copy of a SQLite file, a PostgreSQL URL as it is."""
    if not copy or not url.startswith("sqlite:///"):
        return url
    source = Path(url.removeprefix("sqlite:///"))
    target = workdir / "ledger.db"
    started = time.perf_counter()
    shutil.copyfile(source, target)
    print(
        f"copied {source} ({source.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f} s"
    )
    return f"sqlite:///{target}"


def collect(seed: int, count: int) -> tuple[int, list[str], list[str]]:
    """(entries, secrets, URLs): markers written, secrets read, URLs drawn from the ledger."""
    from sqlalchemy import func, or_, select
    from statement_search import samples

    from app import create_app
    from app.extensions import db
    from app.ledger.models import LedgerEntry
    from app.text import strip_diacritics
    from tests.fixtures.privacy import child_secrets, mark_ethnicities
    from tests.fixtures.students import public_urls

    app = create_app("development")
    with app.app_context():
        students = mark_ethnicities(db.session)
        db.session.commit()
        secrets = child_secrets(students)
        # The bulk donors have common names, some a guardian's too ("Hà Thị Mai"): a donor's
        # own gift under that name is no leak, so such names cannot be checked here.
        shared = set(
            db.session.execute(
                select(LedgerEntry.label).where(LedgerEntry.label.in_(secrets)).distinct()
            ).scalars()
        )
        secrets = [x for x in secrets if x not in shared]
        print(f"not checked (also a donor's name in the ledger): {len(shared)}")
        top = db.session.execute(select(func.max(LedgerEntry.seq))).scalar_one() or 0
        # The full downloads are streamed on their own, below.
        urls = [u for u in public_urls(app) if u not in DOWNLOADS]
        rng = random.Random(seed)
        # The children's own entries (allocations, hand-overs): their traces and proofs.
        child_rows = db.session.execute(
            select(LedgerEntry.seq, LedgerEntry.ref)
            .where(
                or_(
                    LedgerEntry.destination.like("student:%"),
                    LedgerEntry.source.like("student:%"),
                )
            )
            .where(LedgerEntry.seq >= rng.randint(1, max(top - 10_000, 1)))
            .limit(count)
        ).all()
        names = [s.full_name for s in students]
    _, kinds = samples(count, seed)
    seqs = [rng.randint(1, top) for _ in range(count)] + [r.seq for r in child_rows]
    refs = [args["q"] for args in kinds["reference"]] + [r.ref for r in child_rows if r.ref]
    for seq in seqs:
        urls += [f"/xac-minh/{seq}", f"/api/v1/ledger/proof/{seq}"]
        urls.append(f"/api/v1/ledger/consistency?first={rng.randint(1, seq)}")
    for ref in refs:
        quoted = urllib.parse.quote(ref)
        urls += [f"/truy-vet/{quoted}", f"/api/v1/trace/{quoted}"]
    searches = [args for rows in kinds.values() for args in rows]
    searches += [{"q": n} for n in names] + [{"q": strip_diacritics(n).lower()} for n in names]
    for args in searches:
        query = urllib.parse.urlencode(args)
        urls += [f"/sao-ke?{query}", f"/api/v1/ledger?{query}"]
    return top, secrets, urls


def workers(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()]


def hwm_kib(pid: int, field: str = "VmHWM") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_hwm(pids: list[int]) -> None:
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset the peak RSS


def scan_xlsx(spool, secrets, scanner_class) -> set[str]:
    """The XML inside the workbook, inflated member by member in chunks."""
    found = set()
    with zipfile.ZipFile(spool) as book:
        for name in book.namelist():
            with book.open(name) as member, scanner_class(secrets) as scanner:
                while chunk := member.read(1 << 16):
                    scanner.feed(chunk)
            found |= scanner.close()
    return found


def download(port: int, url: str, secrets: list[str], pids: list[int]) -> dict:
    from tests.fixtures.privacy import LeakScanner

    reset_hwm(pids)
    before = max(hwm_kib(pid, "VmRSS") for pid in pids) / 1024
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    started = time.perf_counter()
    connection.request("GET", url)
    response = connection.getresponse()
    xlsx = url.endswith(".xlsx")
    with tempfile.TemporaryFile() as spool:
        with LeakScanner(secrets) as scanner:
            while chunk := response.read(1 << 16):
                scanner.feed(chunk)
                if xlsx:
                    spool.write(chunk)
        elapsed = time.perf_counter() - started
        found = scanner.close()
        if xlsx:
            found |= scan_xlsx(spool, secrets, LeakScanner)
    connection.close()
    return {
        "status": response.status,
        "bytes": scanner.size,
        "seconds": elapsed,
        "rss_before_mib": before,
        "peak_mib": max(hwm_kib(pid) for pid in pids) / 1024,
        "found": found,
    }


def main() -> int:
    from tests.fixtures.privacy import leaks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a ledger built by `flask demo bulk`")
    parser.add_argument("--samples", type=int, default=20, help="per kind of URL")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-downloads", action="store_true")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per page")
    parser.add_argument("--no-copy", action="store_true", help="the SQLite file is a copy already")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-privacy-"))
    load = os.getloadavg()[0]
    try:
        os.environ["DATABASE_URL"] = prepare(args.database, workdir, not args.no_copy)
        top, secrets, urls = collect(args.seed, args.samples)
        print(f"{top:,} entries, {len(secrets)} secrets, {len(urls)} URLs")
        return serve_and_check(workdir, secrets, urls, args, load, leaks)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def start_gunicorn(workdir: Path, workers: int, timeout: int):
    """gunicorn on a free loopback port (as bench/statement_search.py), once it answers."""
    from statement_search import free_port

    port = free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "INSTANCE_PATH": str(workdir),
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "SECRET_KEY": "bench-" + "x" * 40,
        "RATELIMIT_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", str(timeout)]
    server = subprocess.Popen([*command, "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def serve_and_check(workdir, secrets, urls, args, load, leaks) -> int:
    failures = []
    server, port = start_gunicorn(workdir, workers=2, timeout=900)
    try:
        pids = workers(server.pid)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
        started, ok, slow = time.perf_counter(), 0, []
        for url in urls:
            began = time.perf_counter()
            try:
                connection.request("GET", url)
                response = connection.getresponse()
                body = response.read()
            except TimeoutError:
                failures.append(f"{url} took more than {args.timeout} s")
                connection.close()
                continue
            slow.append((time.perf_counter() - began, url))
            if response.status >= 500:
                failures.append(f"{url} answered {response.status}")
            elif response.status == 200:
                ok += 1
                # A search page shows what the visitor typed: that is no leak.
                typed = {v for _, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)}
                found = leaks(secrets, [body]) - typed
                failures += [f"{secret!r} on {url}" for secret in found]
        connection.close()
        print(
            f"{len(urls)} URLs ({ok} answered 200) in {time.perf_counter() - started:.1f} s, "
            f"worker peak RSS {max(hwm_kib(p) for p in pids) / 1024:.0f} MiB"
        )
        for seconds, url in sorted(slow, reverse=True)[:5]:
            print(f"  slowest: {seconds:.2f} s {url}")
        if not args.no_downloads:
            print("| download | status | bytes | seconds | worker RSS before | peak (VmHWM) |")
            print("| --- | --- | ---: | ---: | ---: | ---: |")
            for url in DOWNLOADS:
                result = download(port, url, secrets, pids)
                print(
                    f"| {url} | {result['status']} | {result['bytes']:,} | "
                    f"{result['seconds']:.1f} | {result['rss_before_mib']:.0f} MiB "
                    f"| {result['peak_mib']:.0f} MiB |"
                )
                if result["status"] != 200:
                    failures.append(f"{url} answered {result['status']}")
                failures += [f"{secret!r} in {url}" for secret in result["found"]]
    finally:
        server.terminate()
        server.wait()
    print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
    for failure in failures:
        print("LEAK/ERROR:", failure)
    print("result:", "FAIL" if failures else f"no secret found ({len(secrets)} secrets)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
