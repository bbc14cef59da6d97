"""`flask demo seed`, `flask ledger export | tools/verify_ledger.py`, `flask users otp`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyotp
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.ledger.verify import verify_database

ROOT = Path(__file__).resolve().parents[2]


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def test_demo_seed_prints_logins_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    for role in ("admin", "manager", "treasurer", "field", "auditor"):
        assert role in first.output
    assert "admin@demo.thapsang.vn" in first.output and "demo-admin-2026" in first.output
    counts = table_counts()
    assert counts["users"] >= 5 and counts["units"] >= 5 and counts["ledger_entries"] >= 3
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert table_counts() == counts  # running it twice changes nothing
    assert verify_database().ok


def test_seed_if_empty_leaves_an_existing_database_alone(app, make_user):
    make_user("field", "a")
    result = app.test_cli_runner().invoke(args=["demo", "seed-if-empty"])
    assert result.exit_code == 0
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 1


def test_export_and_the_independent_verifier_agree_with_verify(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("OK ")
    exported = runner.invoke(args=["ledger", "export"]).output
    checker = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_ledger.py")],
        input=exported,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checker.returncode == 0
    assert checker.stdout.strip() == verified.output.strip()
    # One changed amount in the export: the independent checker names the entry.
    lines = exported.splitlines()
    lines[1] = lines[1].replace('"amount":', '"amount":1', 1)
    broken = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "verify_ledger.py")],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 1 and broken.stdout.strip() == "BROKEN at seq 2"


def test_users_otp_prints_the_current_code_outside_production(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    user = db.session.execute(select(User).filter_by(email="admin@demo.thapsang.vn")).scalar_one()
    out = runner.invoke(args=["users", "otp", user.email])
    assert out.exit_code == 0
    assert pyotp.TOTP(user.totp_secret).verify(out.output.strip(), valid_window=1)
