"""Reallocation by decision of the board, and what a closed campaign's page says of its balance."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import uow
from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.errors import DomainError, Forbidden
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns import figures
from campaigns.models import CampaignStatus
from campaigns.spending import reallocation as moves
from campaigns.spending.models import Reallocation

MINUTES = "Biên bản số 07/BB-BĐH ngày 20/10/2026"
REASON = "Phòng học đã được huyện sửa bằng ngân sách nhà nước."


@pytest.fixture
def two(make_campaign, give):
    """A closed repair campaign of huyện A with 8 triệu, and the published general fund."""
    closed = make_campaign("sua-lop-thu", status="closed", kind="classroom_repair")
    fund = make_campaign("quy-chung", unit="province", title="Quỹ chung", goals=())
    give(closed, 8_000_000)
    return {"closed": closed, "fund": fund}


@pytest.fixture
def people(make_user):
    return {"manager": make_user("manager", "a"), "treasurer": make_user("treasurer")}


def propose(user, source, target, amount=5_000_000, **overrides):
    values = {"amount": amount, "minutes_ref": MINUTES, "reason": REASON, **overrides}
    move = moves.propose_reallocation(user, source, target, **values)
    uow.commit()
    return move


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Proposal, Reallocation, LedgerEntry)
    )


def test_approved_reallocation_moves_money_between_the_two_campaigns(two, people):
    closed, fund = two["closed"], two["fund"]
    move = propose(people["manager"], closed, fund)
    assert ledger.balance(closed.account) == 8_000_000
    approvals.approve(people["treasurer"], move.proposal.public_id)
    uow.commit()
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.kind == "reallocation")
    ).scalar_one()
    assert (entry.source, entry.destination, entry.amount) == (
        closed.account,
        fund.account,
        5_000_000,
    )
    assert entry.ref == move.proposal.public_id
    assert entry.label == f"Điều chuyển từ {closed.title} sang Quỹ chung – {MINUTES}"
    numbers = figures.figures_for([closed.account, fund.account])
    assert numbers[closed.account].get("moved_out") == 5_000_000
    assert numbers[closed.account].get("balance") == 3_000_000
    assert numbers[fund.account].get("moved_in") == 5_000_000
    assert numbers[fund.account].get("raised") == 0  # moved in is not raised


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"minutes_ref": "  "}, "minutes_ref"),
        ({"reason": "vì"}, "reason"),
        ({"amount": 0}, "amount"),
        ({"amount": 9_000_000}, "amount"),
    ],
)
def test_bad_reallocations_are_refused_and_nothing_moves(two, people, overrides, field):
    before = counts()
    with pytest.raises(DomainError) as err:
        propose(people["manager"], two["closed"], two["fund"], **overrides)
    db.session.rollback()
    assert err.value.field == field
    if overrides.get("amount") == 9_000_000:
        assert "thiếu 1.000.000 ₫" in str(err.value.message)
    assert counts() == before


def test_money_goes_only_to_another_campaign_that_takes_gifts(two, people, make_campaign):
    closed = two["closed"]
    other_closed = make_campaign("da-dong", status="closed")
    for target in (closed, other_closed, None):
        with pytest.raises(DomainError) as err:
            propose(people["manager"], closed, target)
        db.session.rollback()
        assert err.value.field == "target_id"
    assert [c.slug for c in moves.targets(closed)] == ["quy-chung"]


def test_a_target_closed_before_approval_refuses_the_approval(two, people):
    move = propose(people["manager"], two["closed"], two["fund"])
    two["fund"].status = CampaignStatus.closed
    db.session.commit()
    with pytest.raises(DomainError, match="không còn nhận tiền"):
        approvals.approve(people["treasurer"], move.proposal.public_id)
    db.session.rollback()
    assert ledger.balance(two["closed"].account) == 8_000_000
    assert db.session.get(Proposal, move.proposal_id).status == ProposalStatus.proposed


def test_a_manager_of_another_unit_cannot_propose(two, make_user):
    with pytest.raises(Forbidden):
        propose(make_user("manager", "b"), two["closed"], two["fund"])


def _allocate_and_hand_over(campaign, allocated: int, handed: int) -> None:
    """A round of one named student: allocated from the campaign, partly handed over."""
    ledger.post(
        source=campaign.account,
        destination="student:HS-THU01",
        asset="VND",
        amount=allocated,
        kind="allocation",
        ref="DT-THU01",
        idempotency_key="test:alloc",
    )
    ledger.post(
        source="student:HS-THU01",
        destination="world",
        asset="VND",
        amount=handed,
        kind="disbursement",
        ref="DT-THU01",
        idempotency_key="test:handover",
    )
    db.session.commit()


def test_a_closed_campaigns_page_says_where_its_balance_goes(client, two, people):
    closed, fund = two["closed"], two["fund"]
    _allocate_and_hand_over(closed, 2_000_000, 500_000)
    url = f"/chien-dich/{closed.slug}"
    page = client.get(url).get_data(as_text=True)
    assert "1.500.000 ₫ đã phân bổ cho học sinh có tên nhưng chưa trao hết" in page
    assert "Còn 6.000.000 ₫ chưa có quyết định" in page
    move = propose(people["manager"], closed, fund, amount=4_000_000)
    page = client.get(url).get_data(as_text=True)
    assert "4.000.000 ₫ sẽ được chuyển sang" in page and "(đang chờ duyệt)" in page
    assert MINUTES in page and "Còn 2.000.000 ₫ chưa có quyết định" in page
    approvals.approve(people["treasurer"], move.proposal.public_id)
    uow.commit()
    page = client.get(url).get_data(as_text=True)
    assert "4.000.000 ₫ đã được chuyển sang" in page and "đang chờ duyệt" not in page
    assert "Chuyển sang chiến dịch khác" in page and "−4.000.000 ₫" in page
    received = client.get(f"/chien-dich/{fund.slug}").get_data(as_text=True)
    assert "Chuyển đến từ chiến dịch khác" in received and "+4.000.000 ₫" in received
    assert MINUTES in received and "chưa có quyết định" not in received
    rest = propose(people["manager"], closed, fund, amount=2_000_000, minutes_ref="BB 08/2026")
    approvals.approve(people["treasurer"], rest.proposal.public_id)
    uow.commit()
    page = client.get(url).get_data(as_text=True)
    assert "chưa có quyết định" not in page and "1.500.000 ₫ đã phân bổ" in page


def test_a_closed_campaign_without_money_says_so(client, make_campaign):
    campaign = make_campaign("het-tien", status="closed")
    page = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "Chiến dịch không còn số dư." in page


def test_a_published_campaign_shows_no_closing_box(client, make_campaign, give):
    campaign = make_campaign("dang-mo")
    give(campaign, 1_000_000)
    page = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "đã kết thúc: số dư" not in page
