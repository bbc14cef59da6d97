"""`flask demo bulk`: a realistic ledger through the real posting path, searchable at once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_database
from donations.bank.models import BankTransaction
from transparency.statement import bulk
from transparency.statement.indexing import fold
from transparency.statement.models import StatementRow


def test_bulk_builds_a_searchable_ledger(app, client, units):
    made = bulk.build(400, chunk=150, checkpoint=db.session.commit)
    db.session.commit()
    assert made >= 400
    count = db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    assert count >= 400
    indexed = db.session.execute(select(func.count()).select_from(StatementRow)).scalar_one()
    assert indexed == count
    kinds = set(db.session.execute(select(LedgerEntry.kind).distinct()).scalars())
    assert {"donation", "allocation", "disbursement", "fee"} <= kinds
    assert verify_database().ok

    named = (
        db.session.execute(
            select(LedgerEntry).where(LedgerEntry.kind == "donation", LedgerEntry.label.like("% %"))
        )
        .scalars()
        .first()
    )
    assert named.label != fold(named.label)  # Vietnamese names with diacritics
    found = client.get("/api/v1/ledger", query_string={"q": fold(named.label)}).get_json()
    assert named.seq in [e["seq"] for e in found["entries"]]

    tx = db.session.execute(select(BankTransaction).limit(1)).scalar_one()
    by_bank = client.get("/api/v1/ledger", query_string={"q": tx.bank_reference.lower()})
    assert [e["seq"] for e in by_bank.get_json()["entries"]] == [tx.donation.ledger_seq]

    # Beneficiaries appear by public id only.
    allocation = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "allocation").limit(1)
    ).scalar_one()
    assert allocation.label.startswith("HS-") and allocation.destination.endswith(allocation.label)
