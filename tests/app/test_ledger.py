"""The ledger: postings, balances, idempotency, reversals and the hash chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import AccountBalance, LedgerEntry
from app.ledger.verify import export_records, verify_database

AT = datetime(2026, 11, 1, 8, 30, 15, tzinfo=UTC)


def give(amount: int, key: str, to: str = "campaign:hoc-bong", asset: str = "VND", **kw):
    return ledger.post(
        source="world",
        destination=to,
        asset=asset,
        amount=amount,
        kind="donation",
        ref=kw.pop("ref", "TS0000000A"),
        idempotency_key=key,
        **kw,
    )


def test_first_entry_links_to_64_zeros_with_the_design_canonical_form(ctx):
    posting = give(1_500_000, "bank:sepay:1", at=AT, ref="TSTẾST001")
    db.session.commit()
    entry = posting.entry
    assert (entry.seq, entry.prev_hash) == (1, "0" * 64)
    # Recomputed here from DESIGN.md §4, independently of app.ledger.chain.
    canonical = (
        '{"amount":1500000,"asset":"VND","at":"2026-11-01T08:30:15Z","destination":"campaign:hoc-bong",'
        '"kind":"donation","ref":"TSTẾST001","seq":1,"source":"world"}'
    )
    assert entry.hash == hashlib.sha256(("0" * 64 + canonical).encode("utf-8")).hexdigest()


def test_non_nfc_ref_is_hashed_in_nfc(ctx):
    decomposed = "Ho\u0302\u0300"  # "Hồ" typed with combining marks
    assert decomposed != "Hồ"
    entry = give(10_000, "k1", ref=decomposed, at=AT).entry
    db.session.commit()
    # The hash an outside checker computes from the composed form, as DESIGN.md §4 says.
    canonical = (
        '{"amount":10000,"asset":"VND","at":"2026-11-01T08:30:15Z","destination":"campaign:hoc-bong",'
        '"kind":"donation","ref":"Hồ","seq":1,"source":"world"}'
    )
    assert entry.hash == hashlib.sha256(("0" * 64 + canonical).encode("utf-8")).hexdigest()
    assert verify_database().ok


def test_balances_follow_the_entries(ctx):
    give(1_000_000, "a")
    give(500_000, "b")
    ledger.post(
        source="campaign:hoc-bong",
        destination="student:HS-7Q2K9",
        asset="VND",
        amount=300_000,
        kind="allocation",
        ref="DT-1",
        idempotency_key="alloc:1:1",
    )
    db.session.commit()
    assert ledger.balance("campaign:hoc-bong") == 1_200_000
    assert ledger.balance("student:HS-7Q2K9") == 300_000
    assert ledger.balance("world") == -1_500_000
    row = ledger.balances("campaign:hoc-bong")["VND"]
    assert (row.total_in, row.total_out) == (1_500_000, 300_000)


def test_assets_are_kept_apart(ctx):
    give(2_000_000, "rice", asset="RICE_G")
    db.session.commit()
    assert ledger.balance("campaign:hoc-bong", "RICE_G") == 2_000_000
    assert ledger.balance("campaign:hoc-bong", "VND") == 0


def test_no_account_but_world_goes_below_zero(ctx):
    give(100_000, "a")
    db.session.commit()
    with pytest.raises(ledger.InsufficientFunds, match="không đủ số dư"):
        ledger.post(
            source="campaign:hoc-bong",
            destination="student:HS-1",
            asset="VND",
            amount=100_001,
            kind="allocation",
            ref="x",
            idempotency_key="alloc:x",
        )
    db.session.rollback()
    assert ledger.entry_count() == 1
    assert ledger.balance("campaign:hoc-bong") == 100_000
    assert verify_database().ok


def test_same_key_same_movement_is_one_entry(ctx):
    first = give(50_000, "bank:casso:77")
    again = give(50_000, "bank:casso:77")
    db.session.commit()
    assert first.created and not again.created
    assert again.entry.seq == first.entry.seq
    assert ledger.entry_count() == 1
    assert ledger.balance("campaign:hoc-bong") == 50_000


def test_same_key_different_movement_is_refused(ctx):
    give(50_000, "bank:casso:78")
    with pytest.raises(ledger.IdempotencyConflict):
        give(60_000, "bank:casso:78")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "lớn hơn 0"),
        ({"amount": -5}, "lớn hơn 0"),
        ({"amount": 1.5}, "số nguyên"),
        ({"amount": True}, "số nguyên"),
        ({"source": "bank"}, "không hợp lệ"),
        ({"destination": "campaign:"}, "không hợp lệ"),
        ({"destination": "world"}, "khác nhau"),
        ({"asset": "GOLD"}, "Tài sản không tồn tại"),
        ({"kind": "gift"}, "Loại bút toán"),
        ({"idempotency_key": ""}, "idempotency"),
    ],
)
def test_bad_postings_are_refused_and_nothing_is_written(ctx, changes, message):
    args = dict(
        source="world",
        destination="campaign:a",
        asset="VND",
        amount=10_000,
        kind="donation",
        ref="r",
        idempotency_key="k",
    )
    args.update(changes)
    with pytest.raises(ledger.LedgerError, match=message):
        ledger.post(**args)
    db.session.rollback()
    assert ledger.entry_count() == 0


def test_reversal_cancels_and_names_the_original(ctx):
    original = give(200_000, "stripe:evt_1").entry
    back = ledger.reverse(original, idempotency_key="reverse:1").entry
    db.session.commit()
    assert (back.source, back.destination, back.amount) == ("campaign:hoc-bong", "world", 200_000)
    assert back.reverses_seq == original.seq and back.kind == "reversal"
    assert ledger.balance("campaign:hoc-bong") == 0
    with pytest.raises(ledger.LedgerError, match="đã được đảo"):
        ledger.reverse(original, idempotency_key="reverse:again")


def test_reversal_must_mirror_the_original(ctx):
    original = give(200_000, "e1").entry
    with pytest.raises(ledger.LedgerError, match="ngược chiều"):
        ledger.post(
            source="campaign:hoc-bong",
            destination="student:HS-1",
            asset="VND",
            amount=200_000,
            kind="reversal",
            ref="x",
            idempotency_key="bad-rev",
            reverses=original,
        )


def test_reversal_cannot_overdraw(ctx):
    original = give(200_000, "e1").entry
    ledger.post(
        source="campaign:hoc-bong",
        destination="student:HS-1",
        asset="VND",
        amount=150_000,
        kind="allocation",
        ref="x",
        idempotency_key="alloc",
    )
    with pytest.raises(ledger.InsufficientFunds):
        ledger.reverse(original, idempotency_key="rev")


def test_verify_catches_a_tampered_amount(ctx, app):
    for i in range(5):
        give(10_000 * (i + 1), f"k{i}")
    db.session.commit()
    assert verify_database().summary().startswith("OK 5 entries, head ")
    db.session.execute(text("UPDATE ledger_entries SET amount = 999999 WHERE seq = 3"))
    db.session.commit()
    result = verify_database()
    assert not result.ok and result.broken_seq == 3
    runner = app.test_cli_runner()
    out = runner.invoke(args=["ledger", "verify"])
    assert out.exit_code == 1
    assert "BROKEN at seq 3" in out.output


def test_verify_catches_a_deleted_entry(ctx):
    for i in range(3):
        give(10_000, f"k{i}")
    db.session.commit()
    db.session.execute(text("DELETE FROM ledger_entries WHERE seq = 2"))
    db.session.commit()
    result = verify_database()
    assert not result.ok and result.broken_seq == 3


def test_verify_catches_a_balance_row_edited_behind_the_ledgers_back(ctx):
    give(10_000, "k")
    db.session.commit()
    db.session.execute(
        text("UPDATE account_balances SET balance = 1 WHERE account = 'campaign:hoc-bong'")
    )
    db.session.commit()
    assert "disagrees" in verify_database().reason


def test_export_is_json_lines_with_the_public_keys(ctx, app):
    give(10_000, "k1", label="Nhà hảo tâm")
    give(20_000, "k2")
    db.session.commit()
    out = app.test_cli_runner().invoke(args=["ledger", "export"])
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert [r["seq"] for r in lines] == [1, 2]
    assert set(lines[0]) == {
        "seq",
        "at",
        "kind",
        "source",
        "destination",
        "asset",
        "amount",
        "ref",
        "prev_hash",
        "hash",
    }
    assert lines[1]["prev_hash"] == lines[0]["hash"]
    assert list(export_records()) == lines


def test_balance_table_matches_entries_after_many_postings(ctx):
    for i in range(30):
        give(1_000 + i, f"g{i}")
        if i % 3 == 0:
            ledger.post(
                source="campaign:hoc-bong",
                destination="expense:xe-dap",
                asset="VND",
                amount=500,
                kind="purchase",
                ref=f"p{i}",
                idempotency_key=f"p{i}",
            )
    db.session.commit()
    sums = dict(
        db.session.execute(
            select(LedgerEntry.destination, func.sum(LedgerEntry.amount)).group_by(
                LedgerEntry.destination
            )
        ).all()
    )
    row = db.session.get(AccountBalance, ("expense:xe-dap", "VND"))
    assert row.balance == sums["expense:xe-dap"] == 500 * 10
    assert verify_database().ok
