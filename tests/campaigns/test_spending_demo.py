"""The demo shows money going out: a paid invoice, a reallocation, a purchase waiting."""

from __future__ import annotations

from sqlalchemy import select

from app import private_files
from app.approvals.models import Proposal, ProposalStatus
from app.extensions import db
from app.ledger.models import LedgerEntry
from campaigns.spending.models import Expense, Reallocation


def test_demo_money_out_is_seeded_once_and_the_chain_verifies(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    db.session.expire_all()
    expenses = {e.proposal.public_id: e for e in db.session.execute(select(Expense)).scalars()}
    assert set(expenses) == {"DX-DEMO1", "DX-DEMO3"}  # seeded once
    paid, waiting = expenses["DX-DEMO1"], expenses["DX-DEMO3"]
    assert paid.status == ProposalStatus.approved and paid.budget_line is not None
    assert paid.invoice_number == "0001234" and paid.supplier.startswith("Công ty")
    assert private_files.existing(paid.invoice_path) is not None
    assert private_files.existing(paid.public_copy_path) is not None
    assert waiting.status == ProposalStatus.proposed
    entries = db.session.execute(
        select(LedgerEntry.kind, LedgerEntry.label).where(LedgerEntry.ref == "DX-DEMO1")
    ).all()
    assert [kind for kind, _ in entries] == ["purchase", "expense"]
    assert entries[0][1].endswith("– HĐ 0001234 – Công ty TNHH Vật liệu Xây dựng Bản Mây")
    move = db.session.execute(select(Reallocation)).scalar_one()
    assert move.status == ProposalStatus.approved and move.source.status.value == "closed"
    assert db.session.execute(
        select(LedgerEntry.kind).where(LedgerEntry.ref == move.proposal.public_id)
    ).scalars().all() == ["reallocation"]
    decided = db.session.execute(
        select(Proposal.decided_at).where(Proposal.public_id == "DX-DEMO2")
    ).scalar_one()
    assert decided.isoformat().startswith("2026-10-22")
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("OK ")
    closed = client.get(f"/chien-dich/{move.source.slug}").get_data(as_text=True)
    assert "đã được chuyển sang" in closed and "chưa có quyết định" in closed
    boarding = client.get(f"/chien-dich/{paid.campaign.slug}").get_data(as_text=True)
    assert "Thép, xi măng và cát làm móng nhà bán trú" in boarding
    assert f"/hoa-don/{paid.id}" in boarding
    assert "12 giường tầng" not in boarding  # still waiting: not public
