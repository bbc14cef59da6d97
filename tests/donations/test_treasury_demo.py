"""The demo data of the treasury: a card payment with its fee, a correction approved (the
transfer back in the queue), overpaid pledges waiting, rice in a unit's store bought with an
invoice; and `flask ledger verify` is OK after seeding."""

from __future__ import annotations

from sqlalchemy import select

from app.approvals.models import Proposal, ProposalStatus
from app.extensions import db
from app.ledger.models import LedgerEntry
from app.units.models import Unit
from donations.bank.models import BankTransaction, TxStatus
from donations.cards.models import CardGift
from donations.corrections import overpaid
from donations.corrections.models import Correction
from donations.in_kind import stock
from donations.in_kind.models import StockPurchase
from donations.receipts.models import Receipt


def test_the_demo_has_every_kind_of_money_out_and_verifies(app, make_user):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    db.session.expire_all()

    fees = db.session.execute(select(LedgerEntry).where(LedgerEntry.kind == "fee")).scalars()
    assert {(e.destination, e.label.startswith("Phí thanh toán thẻ – TS")) for e in fees} == {
        ("fees:stripe", True)
    }
    assert all(g.fee_status == "posted" for g in db.session.execute(select(CardGift)).scalars())

    [correction] = db.session.execute(select(Correction)).scalars()
    assert correction.proposal.status == ProposalStatus.approved
    assert correction.proposal.proposed_by_id != correction.proposal.decided_by_id
    assert db.session.get(BankTransaction, correction.bank_tx_id).status == TxStatus.review
    assert db.session.get(LedgerEntry, correction.reversal_seq).reverses_seq == correction.entry_seq
    voided = db.session.execute(select(Receipt).where(Receipt.voided_at.is_not(None))).scalars()
    assert len(list(voided)) == 1

    queued = db.session.execute(overpaid.queue(make_user("treasurer"))).scalars().all()
    assert {p.reference[:9] for p in queued} == {"TSDEM0A04", "TSDEM0A08"}

    [purchase] = db.session.execute(select(StockPurchase)).scalars()
    assert purchase.invoice_number and purchase.supplier
    assert purchase.proposal.status == ProposalStatus.approved
    ban_may = db.session.execute(select(Unit).where(Unit.code == "h-ban-may")).scalar_one()
    # 250 kg given, 500 kg bought, 160 kg handed over in the demo round.
    assert stock.level(ban_may.id, "RICE_G") == 590_000
    assert (
        db.session.execute(select(Proposal).where(Proposal.status == ProposalStatus.approved))
        .scalars()
        .all()
    )

    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("OK ")
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0
    assert runner.invoke(args=["ledger", "verify"]).output == verified.output
