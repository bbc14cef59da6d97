"""`flask demo bulk`: a realistic ledger through the batch posting path, searchable at once,
its chain, Merkle tree and search index exactly what posting one by one would give."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_database
from donations.bank.models import BankTransaction
from donations.models import Donation
from tests.transparency.verification import reference
from transparency.statement import aggregates, bulk, indexing, services
from transparency.statement.filters import Filters
from transparency.statement.indexing import fold, row_for
from transparency.statement.models import StatementRow, TotalsState
from transparency.verification import merkle, tree


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_bulk_command_builds_a_verified_searchable_ledger(app, client, units):
    runner = app.test_cli_runner()
    out = runner.invoke(args=["demo", "bulk", "--entries", "3000", "--chunk", "700"])
    assert out.exit_code == 0, out.output
    assert "bút toán/s" in out.output
    count = _count(LedgerEntry)
    assert count >= 3000
    assert _count(StatementRow) == count  # indexed once, at the end
    kinds = set(db.session.execute(select(LedgerEntry.kind).distinct()).scalars())
    assert {"donation", "in_kind", "allocation", "disbursement", "fee", "purchase"} <= kinds

    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith(f"OK {count} entries")

    # The stored tree is the tree of the entries, and a proof from it verifies.
    size, root = tree.state()
    assert size == count and tree.recompute_root(size) == root
    leaves = [
        tree.leaf_of(e)
        for e in db.session.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars()
    ]
    assert reference.mth(leaves).hex() == root
    head = client.get("/api/v1/ledger/head").get_json()
    assert (head["tree_size"], head["root"]) == (size, root)
    for seq in random.Random(3).sample(range(1, count + 1), 5):
        proof = client.get(f"/api/v1/ledger/proof/{seq}?tree_size={size}").get_json()
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        leaf = merkle.leaf_hash(proof["leaf"].encode())
        assert merkle.root_from_inclusion(seq - 1, size, leaf, path).hex() == root

    # A donor found by name typed without diacritics, a gift by its bank reference.
    named = (
        db.session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.kind == "donation", LedgerEntry.label.like("% % %"))
            .order_by(LedgerEntry.seq.desc())
        )
        .scalars()
        .first()
    )
    typed = fold(named.label)
    assert named.label != typed and typed.isascii()  # "Nguyễn Văn An" typed "nguyen van an"
    found = client.get("/api/v1/ledger", query_string={"q": typed, "limit": 100}).get_json()
    assert named.seq in [e["seq"] for e in found["entries"]]
    tx = db.session.execute(select(BankTransaction).limit(1)).scalar_one()
    by_bank = client.get("/api/v1/ledger", query_string={"q": tx.bank_reference.lower()})
    assert [e["seq"] for e in by_bank.get_json()["entries"]] == [tx.donation.ledger_seq]

    # Every gift in đồng has its donation record; beneficiaries appear by public id only.
    gifts = _count(LedgerEntry.__table__.select().where(LedgerEntry.kind == "donation").subquery())
    assert _count(Donation) >= gifts
    allocation = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "allocation").limit(1)
    ).scalar_one()
    assert allocation.label.startswith("HS-") and allocation.destination.endswith(allocation.label)


@pytest.mark.parametrize("bulk_at_least", [1, 20_000])
def test_the_set_based_index_equals_the_one_posting_writes(
    app, client, units, monkeypatch, bulk_at_least
):
    """The index built at the end (a query per chunk) row for row as the per-entry path; with
    the name search's upkeep suspended and rebuilt (bulk_at_least=1) or kept row by row."""
    monkeypatch.setattr(indexing, "BULK_AT_LEAST", bulk_at_least)
    bulk.build(1500, chunk=400, checkpoint=db.session.commit)
    bulk.finish(checkpoint=db.session.commit, chunk=500)
    _assert_index_is_the_per_entry_one()
    # The totals tables are summed up to the index, and agree with a scan.
    top = indexing.indexed_upto(db.session.connection())
    assert db.session.execute(select(TotalsState.upto)).scalar_one() == top
    for filters in (Filters(), Filters(kind="fee"), Filters(min=100_000, max=500_000)):
        summed = services.totals(filters)
        with monkeypatch.context() as scan:
            scan.setattr(aggregates, "summed", lambda _f: None)
            assert services.totals(filters) == summed
    assert summed.count > 0
    # The name search finds bulk donors, and a gift posted afterwards the ordinary way.
    named = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.label.like("% % %")).limit(1)
    ).scalar_one()
    found = client.get("/api/v1/ledger", query_string={"q": fold(named.label), "limit": 100})
    assert named.seq in [e["seq"] for e in found.get_json()["entries"]]
    later = ledger.post(
        source="world",
        destination="campaign:bulk-quy-chung",
        asset="VND",
        amount=70_000,
        kind="donation",
        ref="TSLATER01",
        idempotency_key="test:later",
        label="Ông Ẩn Sau Cùng",
    ).entry
    db.session.commit()
    found = client.get("/api/v1/ledger", query_string={"q": "an sau cung"}).get_json()
    assert [e["seq"] for e in found["entries"]] == [later.seq]


def _assert_index_is_the_per_entry_one() -> None:
    connection = db.session.connection()
    stored = {
        row["seq"]: row for row in db.session.execute(select(StatementRow.__table__)).mappings()
    }
    entries = list(db.session.execute(select(LedgerEntry).order_by(LedgerEntry.seq)).scalars())
    banks = dict(
        db.session.execute(
            select(Donation.ledger_seq, BankTransaction.bank_reference).join(
                BankTransaction, BankTransaction.donation_id == Donation.id
            )
        ).all()
    )
    assert len(stored) == len(entries)
    hand_overs = 0
    for entry in entries:
        expected = row_for(connection, entry)
        expected["bank_key"] = (banks.get(entry.seq) or "").upper()
        assert dict(stored[entry.seq]) == expected, entry.seq
        hand_overs += entry.kind in ("disbursement", "expense")
    assert hand_overs  # the rows whose campaign is looked up through an earlier entry


def test_a_second_run_adds_to_the_ledger_and_keeps_it_valid(app, units):
    first = bulk.build(600, chunk=250, checkpoint=db.session.commit)
    second = bulk.build(600, chunk=250, checkpoint=db.session.commit)
    bulk.finish(checkpoint=db.session.commit)
    assert _count(LedgerEntry) == first + second
    assert verify_database().ok
    assert tree.tree_size() == first + second
