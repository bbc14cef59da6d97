"""Corrections: a wrong assignment or a mistaken entry is reversed only when a second person
approves; the pledge, receipt and bank transfer follow, and every refusal posts nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.approvals.models import ProposalStatus
from app.audit.models import AuditEntry
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns.figures import campaign_figures
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from donations.cards import payments
from donations.corrections import services
from donations.models import Donation
from donations.pledges.models import Pledge, PledgeStatus
from donations.receipts.models import Receipt
from tests.conftest import login
from tests.fixtures.donations import FUND_ACCOUNT
from tests.fixtures.stripe import paid_session

REASON = "Gán nhầm: người chuyển ghi ủng hộ chiến dịch khác."


@pytest.fixture
def people(make_user) -> dict:
    return {"treasurer": make_user("treasurer"), "admin": make_user("admin")}


@pytest.fixture
def wrong(ctx, make_campaign, make_bank_pledge, people):
    """A transfer without a code that a treasurer assigned to the wrong pledge."""
    right = make_campaign("bep-an-ban-tru", unit="a")
    wrong_campaign = make_campaign("xe-dap-thu", unit="a")
    pledge = make_bank_pledge(wrong_campaign, amount=300_000)
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="sai-1",
            amount=300_000,
            memo="ung ho bep an ban tru",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    review.assign(
        people["treasurer"], review.load_for_update(tx.id), pledge_reference=pledge.reference
    )
    db.session.commit()
    return {"tx": tx, "pledge": pledge, "right": right, "wrong": wrong_campaign}


def _entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def _refresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_a_wrong_assignment_goes_back_to_the_queue_once_someone_else_approves(wrong, people):
    tx, pledge, account = wrong["tx"], wrong["pledge"], wrong["wrong"].account
    seq = tx.donation.ledger_seq
    assert pledge.status == PledgeStatus.paid and ledger.balance(account) == 300_000
    correction = services.propose_reversal(people["treasurer"], seq, REASON)
    db.session.commit()
    assert correction.proposal.kind == services.REVERSE_ASSIGNMENT
    assert ledger.balance(account) == 300_000  # a proposal moves nothing
    with pytest.raises(Forbidden, match="tự duyệt"):
        approvals.approve(people["treasurer"], correction.proposal.public_id)
    db.session.rollback()
    assert ledger.balance(account) == 300_000

    approvals.approve(people["admin"], correction.proposal.public_id, "Đã đối chiếu")
    db.session.commit()
    [reversal] = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "reversal")
    ).scalars()
    assert reversal.reverses_seq == seq and reversal.source == account
    assert reversal.destination == "world" and reversal.amount == 300_000
    assert reversal.label == f"Điều chỉnh: đảo bút toán #{seq}"
    assert ledger.balance(account) == 0
    assert campaign_figures(account).raised == {} and campaign_figures(account).gifts == 0
    pledge = _refresh(Pledge, pledge.id)
    assert pledge.received == 0 and pledge.status == PledgeStatus.expired
    receipt = db.session.execute(select(Receipt)).scalar_one()
    assert receipt.voided_at is not None and correction.proposal.public_id in receipt.void_reason
    tx = db.session.get(BankTransaction, tx.id)
    assert tx.status == TxStatus.review and tx.donation_id is None and tx.pledge_id is None
    assert tx.reassigned == 1 and correction.proposal.public_id in tx.note
    assert db.session.get(Donation, correction.donation_id).reversal_seq == reversal.seq
    actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"proposal.create", "proposal.approve", "bank_tx.correction"} <= actions

    # Back in the queue, it is assigned again, to the right campaign, as a new gift.
    review.assign(people["treasurer"], review.load_for_update(tx.id), campaign=wrong["right"])
    db.session.commit()
    assert ledger.balance(wrong["right"].account) == 300_000
    donations = db.session.execute(select(Donation).order_by(Donation.id)).scalars().all()
    assert [d.provider_ref for d in donations] == ["sepay:sai-1", "sepay:sai-1#1"]
    entry = db.session.get(LedgerEntry, donations[1].ledger_seq)
    assert entry.idempotency_key == "bank:sepay:sai-1:r1"
    assert db.session.execute(select(func.count()).select_from(Receipt)).scalar_one() == 2


def test_reversing_an_entry_twice_is_refused_and_posts_nothing(wrong, people):
    seq = wrong["tx"].donation.ledger_seq
    first = services.propose_reversal(people["treasurer"], seq, REASON)
    db.session.commit()
    with pytest.raises(DomainError, match="đang chờ duyệt"):
        services.propose_reversal(people["admin"], seq, REASON)
    db.session.rollback()
    approvals.approve(people["admin"], first.proposal.public_id)
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError, match=f"#{seq} đã được đảo"):
        services.propose_reversal(people["treasurer"], seq, REASON)
    db.session.rollback()
    reversal_seq = services.reversed_by(seq).seq
    with pytest.raises(DomainError, match="không đảo một bút toán đảo"):
        services.propose_reversal(people["treasurer"], reversal_seq, REASON)
    db.session.rollback()
    assert _entries() == before


def test_a_proposal_whose_entry_was_reversed_meanwhile_is_refused_at_approval(wrong, people, give):
    seq = wrong["tx"].donation.ledger_seq
    proposal = services.propose_reversal(people["treasurer"], seq, REASON).proposal
    # What another path (a direct ledger reversal) left behind before the approval; another
    # gift keeps the balance up, so the refusal is about the entry, not the money.
    ledger.reverse(db.session.get(LedgerEntry, seq), idempotency_key="test:elsewhere")
    give(wrong["wrong"], 300_000)
    db.session.commit()
    before = _entries()
    with pytest.raises(DomainError, match="đã được đảo"):
        approvals.approve(people["admin"], proposal.public_id)
    db.session.rollback()
    assert _entries() == before
    assert _refresh(type(proposal), proposal.id).status == ProposalStatus.proposed


def test_a_gift_already_spent_is_refused_with_the_shortfall_named(wrong, people):
    account = wrong["wrong"].account
    ledger.post(
        source=account,
        destination="expense:sach-vo",
        asset="VND",
        amount=200_000,
        kind="purchase",
        ref="MUA-1",
        idempotency_key="test:spent",
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.propose_reversal(people["treasurer"], wrong["tx"].donation.ledger_seq, REASON)
    assert "còn 100.000 ₫, cần 300.000 ₫, thiếu 200.000 ₫" in str(refused.value.message)
    db.session.rollback()
    assert _refresh(BankTransaction, wrong["tx"].id).status == TxStatus.assigned


@pytest.mark.parametrize("reason", ["", "   ", "nhầm"])
def test_a_reason_is_required(wrong, people, reason):
    with pytest.raises(DomainError, match="lý do") as refused:
        services.propose_reversal(people["treasurer"], wrong["tx"].donation.ledger_seq, reason)
    assert refused.value.field == "reason"


def test_only_the_treasury_proposes_and_unknown_entries_are_not_found(wrong, make_user):
    with pytest.raises(Forbidden):
        services.propose_reversal(make_user("manager", "a"), 1, REASON)
    with pytest.raises(DomainError, match="Không có bút toán #999"):
        services.propose_reversal(make_user("treasurer"), 999, REASON)


def test_a_card_gift_is_refunded_through_stripe_not_reversed(ctx, people, make_pledge):
    pledge = make_pledge(amount=200_000)
    payments.session_completed(paid_session(pledge, intent="pi_corr"), None)
    db.session.commit()
    seq = db.session.execute(select(Donation.ledger_seq)).scalar_one()
    with pytest.raises(DomainError, match="hoàn qua Stripe"):
        services.propose_reversal(people["treasurer"], seq, REASON)


def test_a_mistaken_entry_is_reversed_by_its_number(ctx, people, make_campaign, give):
    campaign = make_campaign("sua-lop", unit="a")
    give(campaign, 1_000_000)
    mistaken = ledger.post(
        source=campaign.account,
        destination="expense:sua-mai",
        asset="VND",
        amount=400_000,
        kind="purchase",
        ref="MUA-NHAM",
        idempotency_key="test:nham",
    ).entry
    db.session.commit()
    proposal = services.propose_reversal(
        people["treasurer"], mistaken.seq, "Nhập trùng hoá đơn số 12"
    ).proposal
    assert proposal.kind == services.REVERSE_ENTRY and proposal.source == "expense:sua-mai"
    assert f"Đảo bút toán #{mistaken.seq} (mua sắm, " in proposal.title  # the kind in words
    approvals.approve(people["admin"], proposal.public_id)
    db.session.commit()
    assert ledger.balance(campaign.account) == 1_000_000
    assert campaign_figures(campaign.account).spent == {}


def test_the_back_office_flow_from_the_transaction_page(app, wrong, people):
    treasurer, admin = app.test_client(), app.test_client()
    login(treasurer, people["treasurer"])
    login(admin, people["admin"])
    tx = wrong["tx"]
    page = treasurer.get(f"/quan-tri/ung-ho/giao-dich/{tx.id}").get_data(as_text=True)
    assert "Đề xuất đảo ghi nhận" in page and "data-confirm" in page
    short = treasurer.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/dao-ghi-nhan",
        data={"c-reason": "nhầm"},
        follow_redirects=True,
    )
    assert "ít nhất 10 ký tự" in short.get_data(as_text=True)
    sent = treasurer.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/dao-ghi-nhan", data={"c-reason": REASON}
    )
    assert sent.status_code == 302 and "/quan-tri/de-xuat/DX-" in sent.headers["Location"]
    public_id = sent.headers["Location"].rsplit("/", 1)[-1]
    waiting = treasurer.get(f"/quan-tri/ung-ho/giao-dich/{tx.id}").get_data(as_text=True)
    assert f"Đề xuất {public_id} đảo ghi nhận này đang chờ duyệt" in waiting
    proposal_page = admin.get(f"/quan-tri/de-xuat/{public_id}").get_data(as_text=True)
    assert "Bút toán được đảo" in proposal_page and "trở lại hàng chờ" in proposal_page
    assert admin.post(f"/quan-tri/de-xuat/{public_id}/duyet", data={}).status_code == 302
    assert _refresh(BankTransaction, tx.id).status == TxStatus.review
    queue = admin.get("/quan-tri/ung-ho/giao-dich").get_data(as_text=True)
    assert "ung ho bep an ban tru" in queue
    listing = admin.get("/quan-tri/ung-ho/dieu-chinh").get_data(as_text=True)
    assert public_id in listing and "Đã duyệt" in listing


def test_the_entry_page_proposes_and_refuses_in_words(app, wrong, people):
    client = app.test_client()
    login(client, people["treasurer"])
    seq = wrong["tx"].donation.ledger_seq
    page = client.get(f"/quan-tri/so-cai/{seq}").get_data(as_text=True)
    assert f"Bút toán #{seq}" in page and "Đề xuất đảo" in page
    assert client.get(f"/quan-tri/ung-ho/dieu-chinh?seq={seq}").status_code == 302
    empty = client.post(f"/quan-tri/so-cai/{seq}/dao", data={"reason": ""})
    assert empty.status_code == 422
    done = client.post(f"/quan-tri/so-cai/{seq}/dao", data={"reason": REASON})
    assert done.status_code == 302
    again = client.post(f"/quan-tri/so-cai/{seq}/dao", data={"reason": REASON})
    assert again.status_code == 422 and "đang chờ duyệt" in again.get_data(as_text=True)
    assert client.get("/quan-tri/so-cai/99999").status_code == 404


def test_an_empty_list_of_corrections_says_so(client, login_as):
    login_as("auditor")
    page = client.get("/quan-tri/ung-ho/dieu-chinh").get_data(as_text=True)
    assert "Chưa có điều chỉnh nào" in page and "Đề xuất đảo" not in page
