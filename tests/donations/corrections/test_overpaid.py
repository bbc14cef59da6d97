"""Overpaid and doubly paid pledges: a queue; keep the difference (thanking the donor through
the outbox) or refund it through a proposal someone else approves, with the outgoing transfer's
bank reference. Bad input is refused and posts nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.audit.models import AuditEntry
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.mail_models import OutboxMail
from donations.bank.matching import Incoming, Matcher
from donations.corrections import overpaid
from donations.corrections.models import Overpayment
from donations.pledges.models import Pledge, PledgeStatus
from donations.receipts.models import Receipt
from tests.conftest import login
from tests.fixtures.donations import FUND_ACCOUNT


@pytest.fixture
def people(make_user) -> dict:
    return {"treasurer": make_user("treasurer"), "admin": make_user("admin")}


def _transfer(pledge: Pledge, amount: int, n: int):
    Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id=f"thua-{pledge.reference}-{n}",
            amount=amount,
            memo=f"{pledge.reference} ung ho",
            occurred_at=datetime(2026, 11, 20, 3 + n, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )


@pytest.fixture
def pledges(ctx, make_campaign, make_bank_pledge):
    """One paid twice, one paid more, one paid exactly, one monthly paid twice (not queued)."""
    campaign = make_campaign("hoc-bong-thua", unit="a")
    twice = make_bank_pledge(campaign, amount=250_000, email="hai.lan@example.org")
    more = make_bank_pledge(campaign, amount=300_000, email="")
    exact = make_bank_pledge(campaign, amount=200_000)
    monthly = make_bank_pledge(campaign, amount=100_000, monthly=True)
    for pledge, amounts in (
        (twice, (250_000, 250_000)),
        (more, (350_000,)),
        (exact, (200_000,)),
        (monthly, (100_000, 100_000)),
    ):
        for n, amount in enumerate(amounts):
            _transfer(pledge, amount, n)
    db.session.commit()
    return {"campaign": campaign, "twice": twice, "more": more, "exact": exact}


def _queue(actor) -> list[str]:
    db.session.expire_all()
    return [p.reference for p in db.session.execute(overpaid.queue(actor)).scalars()]


def test_the_queue_holds_pledges_paid_more_or_twice(pledges, people):
    queued = _queue(people["treasurer"])
    assert sorted(queued) == sorted([pledges["twice"].reference, pledges["more"].reference])
    assert overpaid.outstanding(pledges["twice"]) == 250_000
    assert overpaid.outstanding(pledges["more"]) == 50_000
    assert overpaid.queue_count() == 2


def test_keeping_the_difference_thanks_the_donor_through_the_outbox(pledges, people):
    twice = pledges["twice"]
    decision = overpaid.keep(people["treasurer"], twice, thank=True, note="Nhà hảo tâm đồng ý")
    db.session.commit()
    assert decision.amount == 250_000 and decision.thanked
    assert twice.reference not in _queue(people["treasurer"])
    [mail] = db.session.execute(
        select(OutboxMail).where(
            OutboxMail.to == "hai.lan@example.org", OutboxMail.kind == "message"
        )
    ).scalars()
    assert "Cảm ơn" in mail.subject and "250.000 ₫" in mail.text and twice.reference in mail.text
    assert (
        ledger.balance(pledges["campaign"].account) == 500_000 + 350_000 + 200_000 + 200_000
    )  # kept: nothing moves
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "overpayment.keep")
    ).scalar_one()
    assert audit.target_id == twice.reference
    with pytest.raises(DomainError, match="không còn khoản thừa"):
        overpaid.keep(people["admin"], twice)


def test_no_mail_without_an_address(pledges, people):
    decision = overpaid.keep(people["treasurer"], pledges["more"], thank=True)
    db.session.commit()
    assert not decision.thanked
    messages = select(func.count()).where(OutboxMail.kind == "message")
    assert db.session.execute(messages).scalar_one() == 0


@pytest.mark.parametrize(
    ("amount", "bank", "reason", "field", "message"),
    [
        (0, "FT26324001", "Chuyển trùng", "amount", "lớn hơn 0"),
        (-5, "FT26324001", "Chuyển trùng", "amount", "lớn hơn 0"),
        (250_001, "FT26324001", "Chuyển trùng", "amount", "tối đa 250.000 ₫"),
        (250_000, "", "Chuyển trùng", "bank_reference", "mã giao dịch"),
        (250_000, "FT26324001", "", "reason", "lý do"),
    ],
)
def test_a_refund_needs_an_amount_within_the_excess_a_bank_reference_and_a_reason(
    pledges, people, amount, bank, reason, field, message
):
    with pytest.raises(DomainError, match=message) as refused:
        overpaid.propose_refund(
            people["treasurer"], pledges["twice"], amount=amount, bank_reference=bank, reason=reason
        )
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Overpayment)).scalar_one() == 0


def test_a_refund_moves_money_only_once_someone_else_approves(pledges, people):
    twice, account = pledges["twice"], pledges["campaign"].account
    before = ledger.balance(account)
    decision = overpaid.propose_refund(
        people["treasurer"],
        twice,
        amount=250_000,
        bank_reference="FT26324001",
        reason="Chuyển trùng hai lần",
    )
    db.session.commit()
    proposal = decision.proposal
    assert ledger.balance(account) == before
    assert twice.reference not in _queue(people["treasurer"])  # being decided
    with pytest.raises(Forbidden):
        approvals.approve(people["treasurer"], proposal.public_id)
    db.session.rollback()
    approvals.approve(people["admin"], proposal.public_id)
    db.session.commit()
    [refund] = db.session.execute(select(LedgerEntry).where(LedgerEntry.kind == "refund")).scalars()
    assert (refund.source, refund.destination, refund.amount) == (account, "world", 250_000)
    assert refund.ref == twice.reference
    assert refund.label == f"Hoàn tiền chuyển thừa – {twice.reference}"
    assert ledger.balance(account) == before - 250_000
    twice = db.session.get(Pledge, twice.id)
    assert twice.refunded == 250_000 and twice.received == 250_000
    assert twice.status == PledgeStatus.paid
    receipts = db.session.execute(
        select(Receipt).where(Receipt.pledge_id == twice.id).order_by(Receipt.id)
    ).scalars()
    assert [r.voided_at is not None for r in receipts] == [False, True]
    assert twice.reference not in _queue(people["treasurer"])


def test_a_refused_refund_puts_the_pledge_back_in_the_queue(pledges, people):
    decision = overpaid.propose_refund(
        people["treasurer"],
        pledges["more"],
        amount=50_000,
        bank_reference="FT26324003",
        reason="Chuyển dư",
    )
    db.session.commit()
    assert pledges["more"].reference not in _queue(people["treasurer"])
    approvals.refuse(people["admin"], decision.proposal.public_id, "Nhà hảo tâm muốn ủng hộ")
    db.session.commit()
    assert pledges["more"].reference in _queue(people["treasurer"])


def test_a_refund_the_campaign_can_no_longer_pay_is_refused_with_the_shortfall(pledges, people):
    account = pledges["campaign"].account
    decision = overpaid.propose_refund(
        people["treasurer"],
        pledges["twice"],
        amount=250_000,
        bank_reference="FT26324001",
        reason="Chuyển trùng",
    )
    have = ledger.balance(account)
    ledger.post(
        source=account,
        destination="expense:xay-bep",
        asset="VND",
        amount=have - 100_000,
        kind="purchase",
        ref="MUA",
        idempotency_key="test:bep",
    )
    db.session.commit()
    with pytest.raises(DomainError, match="thiếu 150.000 ₫"):
        approvals.approve(people["admin"], decision.proposal.public_id)
    db.session.rollback()
    assert (
        db.session.execute(select(func.count()).where(LedgerEntry.kind == "refund")).scalar_one()
        == 0
    )


def test_the_back_office_queue_and_decisions(app, pledges, people):
    client = app.test_client()
    login(client, people["treasurer"])
    twice = pledges["twice"]
    listing = client.get("/quan-tri/ung-ho/chuyen-thua").get_data(as_text=True)
    assert twice.reference in listing and "chuyển 2 lần" in listing and "Chờ xử lý (2)" in listing
    detail = client.get(f"/quan-tri/ung-ho/chuyen-thua/{twice.reference}").get_data(as_text=True)
    assert "Phần thừa chờ xử lý" in detail and "250.000 ₫" in detail and "data-confirm" in detail
    refused = client.post(
        f"/quan-tri/ung-ho/chuyen-thua/{twice.reference}/hoan-tien",
        data={"amount": "300.000", "bank_reference": "FT9", "reason": "Trùng"},
    )
    assert refused.status_code == 422 and "tối đa 250.000 ₫" in refused.get_data(as_text=True)
    sent = client.post(
        f"/quan-tri/ung-ho/chuyen-thua/{twice.reference}/hoan-tien",
        data={"amount": "250k", "bank_reference": "FT26324001", "reason": "Chuyển trùng"},
    )
    assert sent.status_code == 302 and "/quan-tri/de-xuat/DX-" in sent.headers["Location"]
    kept = client.post(
        f"/quan-tri/ung-ho/chuyen-thua/{pledges['more'].reference}/giu-lai",
        data={"note": ""},
        follow_redirects=True,
    )
    assert "giữ lại phần chuyển thừa" in kept.get_data(as_text=True)
    empty = client.get("/quan-tri/ung-ho/chuyen-thua").get_data(as_text=True)
    assert "Không có cam kết nào" in empty
    decided = client.get("/quan-tri/ung-ho/chuyen-thua?tab=decided").get_data(as_text=True)
    assert "Giữ lại cho chiến dịch" in decided and "Hoàn lại cho người chuyển" in decided


def test_the_pledge_page_shows_what_was_refunded(client, pledges, people):
    decision = overpaid.propose_refund(
        people["treasurer"],
        pledges["more"],
        amount=50_000,
        bank_reference="FT26324002",
        reason="Chuyển dư",
    )
    approvals.approve(people["admin"], decision.proposal.public_id)
    db.session.commit()
    page = client.get(f"/ung-ho/p/{pledges['more'].reference}").get_data(as_text=True)
    assert "Quỹ đã hoàn lại cho bạn 50.000 ₫" in page
