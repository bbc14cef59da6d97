"""Four eyes on money going out: propose, approve (someone else), refuse, cancel."""

from __future__ import annotations

import pytest

from app.approvals import kinds, services
from app.approvals.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger

ACCOUNT = "campaign:quy-thu"


def _pay_out(proposal, approver):
    """The test kind: the proposal's amount leaves the account for an expense account."""
    return [
        ledger.post(
            source=proposal.source,
            destination="expense:thu-nghiem",
            asset=proposal.asset,
            amount=proposal.amount,
            kind="purchase",
            ref=proposal.public_id,
            idempotency_key=f"proposal:{proposal.public_id}",
            label=proposal.public_label,
        ).entry
    ]


kinds.register(kinds.Kind("test_payout", "Chi thử", _pay_out))


@pytest.fixture
def funded(ctx):
    ledger.post(
        source="world",
        destination=ACCOUNT,
        asset="VND",
        amount=1_000_000,
        kind="donation",
        ref="TSTEST0001",
        idempotency_key="test:fund",
    )
    db.session.commit()


def _propose(user, amount=300_000, **extra):
    proposal = services.propose(
        user,
        "test_payout",
        unit_id=user.unit_id,
        source=ACCOUNT,
        amount=amount,
        title="Mua 200 kg gạo",
        public_label="Mua gạo cho bếp bán trú",
        source_name="Quỹ thử",
        **extra,
    )
    db.session.commit()
    return proposal


def test_someone_else_approves_and_the_ledger_moves(funded, make_user):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    proposal = _propose(manager)
    assert ledger.balance(ACCOUNT) == 1_000_000  # nothing moves on a proposal
    services.approve(treasurer, proposal.public_id, note="Đủ hoá đơn")
    db.session.commit()
    assert ledger.balance(ACCOUNT) == 700_000
    stored = db.session.get(Proposal, proposal.id)
    assert stored.status == ProposalStatus.approved
    assert stored.decided_by_id == treasurer.id and len(stored.ledger_seqs) == 1
    entry = db.session.get(ledger.LedgerEntry, stored.ledger_seqs[0])
    assert entry.label == "Mua gạo cho bếp bán trú" and entry.ref == proposal.public_id


def test_the_proposer_cannot_approve_their_own(funded, make_user):
    treasurer = make_user("treasurer")
    proposal = _propose(treasurer)
    with pytest.raises(Forbidden, match="tự duyệt"):
        services.approve(treasurer, proposal.public_id)
    db.session.rollback()
    assert ledger.balance(ACCOUNT) == 1_000_000


def test_short_balance_is_refused_with_the_shortfall_named(funded, make_user):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    with pytest.raises(DomainError) as err:
        _propose(manager, amount=1_500_000)
    assert "thiếu 500.000 ₫" in str(err.value.message)
    proposal = _propose(manager, amount=900_000)
    ledger.post(
        source=ACCOUNT,
        destination="world",
        asset="VND",
        amount=200_000,
        kind="refund",
        ref="TSTEST0001",
        idempotency_key="test:refund",
    )
    db.session.commit()
    with pytest.raises(DomainError) as err:
        services.approve(treasurer, proposal.public_id)
    assert "còn 800.000 ₫, cần 900.000 ₫, thiếu 100.000 ₫" in str(err.value.message)
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.proposed


@pytest.mark.parametrize("amount", [0, -5, True, 1.5, "100000"])
def test_amounts_that_are_not_positive_whole_numbers_are_refused(funded, make_user, amount):
    with pytest.raises(DomainError):
        _propose(make_user("manager", "a"), amount=amount)


def test_a_decided_proposal_cannot_be_decided_again(funded, make_user):
    manager, treasurer, admin = make_user("manager", "a"), make_user("treasurer"), make_user()
    proposal = _propose(manager)
    services.approve(treasurer, proposal.public_id)
    db.session.commit()
    with pytest.raises(DomainError, match="đã được xử lý"):
        services.approve(admin, proposal.public_id)
    db.session.rollback()
    with pytest.raises(DomainError):
        services.refuse(admin, proposal.public_id, "Không hợp lệ nữa")
    db.session.rollback()
    assert ledger.balance(ACCOUNT) == 700_000


def test_refusal_needs_a_reason_and_moves_nothing(funded, make_user):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    proposal = _propose(manager)
    with pytest.raises(DomainError, match="lý do"):
        services.refuse(treasurer, proposal.public_id, "  ")
    db.session.rollback()
    services.refuse(treasurer, proposal.public_id, "Thiếu hoá đơn đỏ")
    db.session.commit()
    stored = db.session.get(Proposal, proposal.id)
    assert stored.status == ProposalStatus.refused and stored.decision_note == "Thiếu hoá đơn đỏ"
    assert ledger.balance(ACCOUNT) == 1_000_000


def test_only_the_proposer_or_an_admin_cancels(funded, make_user):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    proposal = _propose(manager)
    with pytest.raises(Forbidden):
        services.cancel(treasurer, proposal.public_id)
    db.session.rollback()
    services.cancel(manager, proposal.public_id)
    db.session.commit()
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.cancelled


def test_a_manager_of_another_unit_sees_nothing(funded, make_user):
    proposal = _propose(make_user("manager", "a"))
    with pytest.raises(Forbidden):
        services.get(make_user("manager", "b"), proposal.public_id)
    with pytest.raises(Forbidden):
        services.propose(
            make_user("manager", "b"),
            "test_payout",
            unit_id=proposal.unit_id,
            source=ACCOUNT,
            amount=1,
            title="x",
        )


@pytest.mark.parametrize(("old", "new"), list(PROPOSAL_TRANSITIONS.pairs()))
def test_every_move_of_a_proposal(old, new):
    legal = old == ProposalStatus.proposed and new != ProposalStatus.proposed
    assert PROPOSAL_TRANSITIONS.allows(old, new) is legal


def test_the_back_office_flow(client, funded, make_user):
    from tests.conftest import login

    manager = make_user("manager", "a")
    proposal = _propose(manager)
    treasurer = make_user("treasurer")
    login(client, treasurer)
    waiting = client.get("/quan-tri/de-xuat")
    assert waiting.status_code == 200 and proposal.public_id in waiting.get_data(as_text=True)
    page = client.get(f"/quan-tri/de-xuat/{proposal.public_id}").get_data(as_text=True)
    assert "Duyệt và ghi sổ" in page and "Mua gạo cho bếp bán trú" in page
    refused = client.post(f"/quan-tri/de-xuat/{proposal.public_id}/tu-choi", data={"note": ""})
    assert refused.status_code == 422 and "Vui lòng ghi lý do từ chối." in refused.get_data(
        as_text=True
    )
    done = client.post(f"/quan-tri/de-xuat/{proposal.public_id}/duyet", data={"note": "OK"})
    assert done.status_code == 302
    assert ledger.balance(ACCOUNT) == 700_000
    again = client.post(f"/quan-tri/de-xuat/{proposal.public_id}/duyet", data={})
    assert again.status_code == 422 and "đã được xử lý" in again.get_data(as_text=True)
    assert ledger.balance(ACCOUNT) == 700_000


def test_the_proposer_sees_no_decision_buttons_and_cannot_post_one(client, funded, make_user):
    from tests.conftest import login

    treasurer = make_user("treasurer")
    proposal = _propose(treasurer)
    login(client, treasurer)
    page = client.get(f"/quan-tri/de-xuat/{proposal.public_id}").get_data(as_text=True)
    assert "Duyệt và ghi sổ" not in page and "Huỷ đề xuất" in page
    response = client.post(f"/quan-tri/de-xuat/{proposal.public_id}/duyet", data={})
    assert response.status_code == 422 and "tự duyệt" in response.get_data(as_text=True)
    assert ledger.balance(ACCOUNT) == 1_000_000
