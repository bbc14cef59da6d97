"""Signed daily heads, the verification page, the receipt's proof box, the standalone verifier."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import uow
from app.extensions import db
from donations.receipts.models import Receipt
from donations.receipts.pdf import receipt_rows
from donations.receipts.services import check_token
from donations.recording import record_donation
from tests.fixtures.database import fresh
from transparency.verification import services, signing
from transparency.verification.models import SignedHead

ROOT = Path(__file__).resolve().parents[3]
VERIFIER = ROOT / "tools" / "verify_ledger.py"


def _load_verifier():
    import importlib.util

    spec = importlib.util.spec_from_file_location("verify_ledger", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sign_head_once_a_day_and_publish_it(app, client, campaign, give):
    for i in range(3):
        give(campaign, 100_000 + i)
    out = app.test_cli_runner().invoke(args=["ledger", "sign-head"])
    assert out.exit_code == 0, out.output
    again = app.test_cli_runner().invoke(args=["ledger", "sign-head"])
    assert again.output == out.output  # the same day: the same signed head
    give(campaign, 5_000)
    body = client.get("/api/v1/ledger/heads").get_json()
    [head] = body["heads"]
    assert head["tree_size"] == 3 and head["date"] == services.today().isoformat()
    assert body["public_key"] == head["public_key"]
    assert signing.verify(
        body["public_key"], head["signature"], head["date"], head["tree_size"], head["root"]
    )
    # the standard-library Ed25519 of the standalone verifier agrees with `cryptography`
    checker = _load_verifier()
    message = f"{head['date']}|{head['tree_size']}|{head['root']}".encode()
    key = bytes.fromhex(body["public_key"])
    assert checker.ed25519_verify(key, message, bytes.fromhex(head["signature"]))
    assert not checker.ed25519_verify(key, message + b"0", bytes.fromhex(head["signature"]))
    assert head["root"] == client.get("/api/v1/ledger/proof/1?tree_size=3").get_json()["root"]


def test_heads_signed_by_job_and_older_days_stay(app, campaign, give):
    from transparency.verification.jobs import sign_head_job

    give(campaign, 1_000)
    services.sign_head(date(2026, 1, 2))
    db.session.commit()
    with uow.transaction():
        sign_head_job.enqueue()
    days = [h.day for h in fresh(SignedHead)]
    assert sorted(days) == [date(2026, 1, 2), services.today()]


def test_the_worker_signs_the_head_every_evening(app, campaign, give):
    from datetime import datetime

    from transparency.verification.jobs import sign_head_daily

    give(campaign, 2_000)
    db.session.commit()
    task = sign_head_daily.s()
    assert task.validate_datetime(datetime(2026, 12, 2, 16, 55))  # 23:55 in Vietnam
    assert not task.validate_datetime(datetime(2026, 12, 2, 3, 55))
    sign_head_daily.call_local()
    [head] = fresh(SignedHead)
    assert head.day == services.today() and head.tree_size >= 1


def test_key_from_setting_and_required_in_production(app, monkeypatch):
    seed = Ed25519PrivateKey.generate().private_bytes_raw()
    monkeypatch.setitem(app.config, "LEDGER_SIGNING_KEY", seed.hex())
    expected = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw().hex()
    assert signing.public_key_hex() == expected
    monkeypatch.setitem(app.config, "LEDGER_SIGNING_KEY", "not a key")
    with pytest.raises(signing.SigningKeyMissing):
        signing.private_key()
    monkeypatch.setitem(app.config, "LEDGER_SIGNING_KEY", "")
    monkeypatch.delenv("LEDGER_SIGNING_KEY", raising=False)
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    with pytest.raises(signing.SigningKeyMissing, match="production"):
        signing.private_key()


def test_verification_page_explains_and_links_the_downloads(client, campaign, give):
    give(campaign, 1_000)
    services.sign_head()
    db.session.commit()
    page = client.get("/xac-minh").get_data(as_text=True)
    head = client.get("/api/v1/ledger/head").get_json()
    assert "Kiểm chứng sổ cái" in page and head["root"] in page
    for url in ("/api/v1/ledger/export.jsonl", "/api/v1/ledger/heads", "/api/v1/ledger/head"):
        assert url in page
    english = client.get("/xac-minh?lang=en").get_data(as_text=True)
    assert "Verify the ledger" in english and "Three ways to check" in english


def test_receipt_check_page_names_the_entry_its_signed_head_and_proof(client, campaign):
    record_donation(
        campaign=campaign,
        amount=75_000,
        provider="sepay",
        provider_ref="SP-77",
        idempotency_key="bank:sepay:SP-77",
    )
    db.session.commit()
    [receipt] = fresh(Receipt)
    url = f"/bien-nhan/kiem-tra/{check_token(receipt)}"
    before = client.get(url).get_data(as_text=True)
    assert f"/api/v1/ledger/proof/{receipt.ledger_seq}" in before
    assert "chưa có đầu sổ đã ký" in before
    assert "ledger_proof.js" in before and "<script>" not in before
    row = services.sign_head()
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert row.root in page and row.day.strftime("%d/%m/%Y") in page
    assert f"/xac-minh/{receipt.ledger_seq}" in page
    rows = dict(receipt_rows(receipt, "SePay"))
    assert rows["Bằng chứng trong sổ"].endswith(f"/xac-minh/{receipt.ledger_seq}")
    assert client.get(f"/xac-minh/{receipt.ledger_seq}").status_code == 200
    assert client.get("/xac-minh/99999").status_code == 404


def _run(*args):
    return subprocess.run(
        [sys.executable, str(VERIFIER), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_standalone_verifier_checks_chain_root_signed_heads_and_a_proof(
    client, campaign, give, tmp_path
):
    for i in range(9):
        give(campaign, 10_000 * (i + 1), label="Lê Văn Tám")
    services.sign_head(date(2026, 1, 1))
    db.session.commit()
    for i in range(4):
        give(campaign, 7_000 + i)
    services.sign_head(date(2026, 1, 2))
    db.session.commit()
    files = {
        "export": client.get("/api/v1/ledger/export.jsonl", buffered=True).get_data(),
        "head": client.get("/api/v1/ledger/head").get_data(),
        "heads": client.get("/api/v1/ledger/heads").get_data(),
        "proof": client.get("/api/v1/ledger/proof/4?tree_size=9").get_data(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    head = json.loads(files["head"])
    ok = _run(
        tmp_path / "export",
        "--head",
        tmp_path / "head",
        "--heads",
        tmp_path / "heads",
        "--proof",
        tmp_path / "proof",
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"Merkle root {head['root']}" in ok.stdout
    assert "Proof OK: entry 4 is in a signed head of 9" in ok.stdout

    # a proof whose entry was altered does not verify
    proof = json.loads(files["proof"])
    proof["entry"]["amount"] += 1
    (tmp_path / "bad_proof").write_text(json.dumps(proof))
    bad = _run("--no-export", "--proof", tmp_path / "bad_proof")
    assert bad.returncode == 1 and "inclusion proof of entry 4 does not verify" in bad.stdout

    # a signed head whose root was swapped fails its signature and its comparison
    heads = json.loads(files["heads"])
    heads["heads"][0]["root"] = "0" * 64
    (tmp_path / "bad_heads").write_text(json.dumps(heads))
    forged = _run(tmp_path / "export", "--heads", tmp_path / "bad_heads")
    assert forged.returncode == 1 and "signature does not verify" in forged.stdout

    # an export with one entry changed breaks the chain at that entry
    lines = files["export"].decode().splitlines()
    lines[2] = lines[2].replace('"amount":', '"amount":9', 1)
    (tmp_path / "bad_export").write_text("\n".join(lines) + "\n")
    broken = _run(tmp_path / "bad_export")
    assert broken.returncode == 1 and broken.stdout.strip() == "BROKEN at seq 3"
