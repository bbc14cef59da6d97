"""deploy/restore-check.sh against the machine's PostgreSQL: a backup made with pg_dump restores
into a fresh database whose ledger verifies; a tampered ledger and a damaged dump are caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "restore-check.sh"

# Three gifts posted through the ledger service into a fresh database, stamped at the head.
PREPARE = """
from flask_migrate import stamp
from app import create_app
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import GENESIS_HASH, Asset, LedgerHead

app = create_app("test")
with app.app_context():
    db.create_all()
    db.session.add(LedgerHead(id=1, seq=0, hash=GENESIS_HASH))
    db.session.add(Asset(code="VND", name="Tiền (đồng)", unit_label="₫", unit_value=1))
    db.session.flush()
    for n, amount in enumerate((200_000, 500_000, 1_000_000)):
        ledger.post(
            source="world", destination="campaign:ao-am", asset="VND", amount=amount,
            kind="donation", ref=f"TSUM{n}", idempotency_key=f"restore-test:{n}",
        )
    db.session.commit()
    stamp()
"""


def _server() -> dict[str, str]:
    """libpq settings of the machine's PostgreSQL (DATABASE_URL's when it names one)."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/")
    env = {
        "PGHOST": parts.hostname or "127.0.0.1",
        "PGPORT": str(parts.port or 5432),
        "PGUSER": parts.username or "postgres",
    }
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A database of its own with three ledger entries; (name, libpq env)."""
    tmp_path = tmp_path_factory.mktemp("restore")
    if not all(shutil.which(tool) for tool in ("pg_dump", "pg_restore", "createdb", "psql")):
        pytest.fail("the PostgreSQL client tools are not installed")
    env = {**os.environ, **_server()}
    name = f"restore_src_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", name], env=env, check=True)
    url = f"postgresql://{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}/{name}"
    try:
        subprocess.run(
            [sys.executable, "-c", PREPARE],
            cwd=ROOT,
            env={**env, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance")},
            check=True,
            capture_output=True,
        )
        yield name, env
    finally:
        subprocess.run(["dropdb", "--if-exists", name], env=env, check=True)


def _dump(source, path: Path) -> Path:
    name, env = source
    subprocess.run(["pg_dump", "-Fc", "-f", str(path), name], env=env, check=True)
    return path


def _check(source, *args: Path, restore_db: str = "") -> subprocess.CompletedProcess:
    _, env = source
    extra = {"RESTORE_DB": restore_db} if restore_db else {}
    return subprocess.run(
        [str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        env={**env, **extra, "FLASK": str(Path(sys.executable).with_name("flask"))},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _databases(env: dict) -> set[str]:
    out = subprocess.run(
        ["psql", "-At", "-d", "postgres", "-c", "SELECT datname FROM pg_database"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {line for line in out.stdout.split() if line.startswith("thapsang_restore_")}


def test_a_backup_restores_into_a_fresh_database_and_its_ledger_verifies(source, tmp_path):
    # A name of this test's own: other test runs on the machine make and drop theirs meanwhile.
    own = f"thapsang_restore_test_{uuid.uuid4().hex[:8]}"
    uploads = tmp_path / "uploads.tar.gz"
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "anh.webp").write_bytes(b"RIFF....WEBP")
    subprocess.run(["tar", "-czf", str(uploads), "-C", str(tmp_path), "uploads"], check=True)
    result = _check(source, _dump(source, tmp_path / "good.dump"), uploads, restore_db=own)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK 3 entries" in result.stdout and "restore-check: OK" in result.stdout
    assert "schema at" not in result.stderr  # stamped at the code's migration head
    assert own in result.stdout + result.stderr  # the check ran in the database it was given
    assert own not in _databases(source[1])  # the throw-away database is gone


def test_a_tampered_ledger_in_the_backup_fails_the_check(source, tmp_path):
    name, env = source

    def set_amount(amount: int) -> None:
        sql = f"UPDATE ledger_entries SET amount = {int(amount)} WHERE seq = 2"  # noqa: S608
        subprocess.run(["psql", "-q", "-d", name, "-c", sql], env=env, check=True)

    set_amount(900_000)  # someone "corrects" a gift in the database behind the ledger's back
    try:
        dump = _dump(source, tmp_path / "tampered.dump")
    finally:
        set_amount(500_000)
    result = _check(source, dump)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "LEDGER BROKEN" in result.stderr


def test_a_damaged_or_missing_backup_is_refused(source, tmp_path):
    good = _dump(source, tmp_path / "good.dump").read_bytes()
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(good[: len(good) // 3])
    result = _check(source, damaged)
    assert result.returncode == 2 and "did not restore" in result.stderr
    missing = _check(source, tmp_path / "no-such.dump")
    assert missing.returncode == 2 and "usage:" in missing.stderr
    not_tar = tmp_path / "uploads.tar.gz"
    not_tar.write_bytes(b"not an archive")
    bad_uploads = _check(source, tmp_path / "good.dump", not_tar)
    assert bad_uploads.returncode == 2 and "uploads archive" in bad_uploads.stderr
