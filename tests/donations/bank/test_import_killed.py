"""An import process killed half-way (SIGKILL, no chance to clean up) and started again ends
with exactly the ledger of one uninterrupted run: same head seq and hash, balances, pledges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app import create_app
from app.config import _database_url
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.verify import verify_database
from app.units.models import Unit, UnitKind
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.bank.models import BankTransaction, StatementImport
from donations.pledges.bulk import bulk_pledges
from donations.pledges.models import Pledge
from tests.fixtures.database import reset_tables

ROOT = Path(__file__).resolve().parents[3]
ROWS = 1200
CHUNK = 50


def _setup() -> list[tuple[str, int]]:
    """The same unit, campaign and pledges in any database (seeded codes)."""
    unit = Unit(code="tinh-kill", name="Tỉnh Đoàn thử", kind=UnitKind.province)
    db.session.add(unit)
    db.session.flush()
    campaign = Campaign(
        slug="thu-ngat",
        title="Thử ngắt giữa chừng",
        kind=CampaignKind.general,
        status=CampaignStatus.published,
        unit_id=unit.id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(campaign)
    db.session.flush()
    pairs = bulk_pledges(campaign, ROWS - 20, seed=11, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    db.session.commit()
    return pairs


def _statement(path: Path, pairs: list[tuple[str, int]]) -> Path:
    lines = ["Ngày GD;Số CT;Số tiền ghi nợ;Số tiền ghi có;Số dư;Nội dung chi tiết"]
    for n, (code, amount) in enumerate(pairs):
        lines.append(f"{1 + n % 28:02d}/11/2026;FT{n:08d};;{amount};;MBVCB.{n}.{code} ung ho")
        if n % 60 == 0:  # a transfer without a code: the review queue
            lines.append(f"{1 + n % 28:02d}/11/2026;FX{n:08d};;50000;;ung ho hoc sinh")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(url: str, path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": url,
        "FLASK_APP": "wsgi.py",
    }
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "flask"),
            "bank",
            "import",
            str(path),
            "--chunk-size",
            str(CHUNK),
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outcome() -> dict:
    db.session.expire_all()
    return {
        "head": ledger.head(),
        "campaign": ledger.balance("campaign:thu-ngat"),
        "transactions": db.session.execute(
            select(func.count()).select_from(BankTransaction)
        ).scalar_one(),
        "pledges": sorted(
            (ref, status.value, received)
            for ref, status, received in db.session.execute(
                select(Pledge.reference, Pledge.status, Pledge.received)
            )
        ),
    }


@pytest.fixture
def fresh_url(tmp_path):
    """Another empty database of the same kind: where the uninterrupted run goes."""
    base = _database_url()
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'reference.db'}"
        return
    schema = f"ref_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _reference(url: str, tmp_path: Path) -> dict:
    """One uninterrupted run on a fresh database with the same data."""
    other = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        db.create_all()
    reset_tables(other)
    with other.app_context():
        path = _statement(tmp_path / "reference.csv", _setup())
        run = _import(url, path)
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        outcome = _outcome()
        db.session.remove()
        db.engine.dispose()
    return outcome


@pytest.mark.commits
def test_an_import_killed_half_way_and_run_again_ends_as_one_uninterrupted_run(
    app, tmp_path, fresh_url
):
    expected = _reference(fresh_url, tmp_path)
    assert expected["head"][0] == ROWS - 20  # one entry per pledge paid

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    path = _statement(tmp_path / "statement.csv", _setup())
    total = len(path.read_text(encoding="utf-8").splitlines()) - 1
    assert expected["transactions"] == total
    run = _import(url, path)
    watcher = create_engine(url)
    try:
        deadline = time.monotonic() + 120
        committed = 0
        while committed < 4 * CHUNK and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.02)
            with watcher.connect() as conn:
                committed = conn.execute(
                    select(func.coalesce(func.max(StatementImport.rows), 0))
                ).scalar_one()
        assert run.poll() is None, "the import ended before it could be killed"
        run.send_signal(signal.SIGKILL)  # the worker dies: no rollback, no clean-up
        run.communicate(timeout=30)
    finally:
        watcher.dispose()
    assert run.returncode == -signal.SIGKILL
    halfway = _outcome()
    assert 4 * CHUNK <= halfway["transactions"] < total  # some chunks committed, not all
    assert verify_database().ok  # what was committed is a whole, valid chain

    again = _import(url, path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"đã nhập trước đó       : {halfway['transactions']}" in out
    assert _outcome() == expected
    assert verify_database().ok
