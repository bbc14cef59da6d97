"""A round's status moves only through its table: approving a handed-over round is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from students.rounds import handovers
from students.rounds import services as svc
from students.rounds.models import RoundStatus


@pytest.fixture
def funded(units) -> Campaign:
    campaign = Campaign(
        slug="hoc-bong-trang-thai",
        title="Học bổng trạng thái",
        kind=CampaignKind.scholarship,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(campaign)
    db.session.flush()
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=1_000_000,
        kind="donation",
        ref="TSSTATUS1",
        idempotency_key="test:status:1",
    )
    db.session.commit()
    return campaign


def _entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def test_every_step_of_a_round_and_the_moves_refused_after_it(
    funded, units, make_user, make_student
):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    student = make_student()
    rnd = svc.create_round(manager, campaign_id=funded.id, title="Đợt thử", unit_id=units["a"].id)
    svc.add_line(manager, rnd, student_public_id=student.public_id, asset="VND", amount=400_000)
    svc.propose(manager, rnd)
    svc.return_round(treasurer, rnd, "Thiếu biên bản họp")
    assert rnd.status == RoundStatus.returned
    svc.propose(manager, rnd)
    svc.approve(treasurer, rnd)
    assert rnd.status == RoundStatus.approved
    with pytest.raises(Conflict, match="đang chờ duyệt"):
        svc.approve(treasurer, rnd)  # approved → approved: not in the table
    handovers.record_handover(
        treasurer,
        rnd,
        line_ids=[rnd.lines[0].id],
        handed_on=date.today(),
        place="Nhà văn hoá xã",
        method="cash",
        handed_by="Bí thư Đoàn xã",
    )
    db.session.commit()
    assert rnd.status == RoundStatus.completed
    before = _entries()
    with pytest.raises(Conflict, match="đang chờ duyệt"):
        svc.approve(treasurer, rnd)
    with pytest.raises(Conflict, match="đang chờ duyệt"):
        svc.return_round(treasurer, rnd, "Làm lại")
    with pytest.raises(Conflict, match="đã được ghi nhận trao rồi"):
        handovers.record_handover(
            treasurer,
            rnd,
            line_ids=[rnd.lines[0].id],
            handed_on=date.today(),
            place="Nhà văn hoá xã",
            method="cash",
            handed_by="Bí thư Đoàn xã",
        )
    with pytest.raises(Conflict, match="không sửa được nữa"):
        svc.propose(manager, rnd)
    db.session.rollback()
    assert rnd.status == RoundStatus.completed and _entries() == before


def test_a_refused_approval_in_english(funded, units, make_user, make_student, app):
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    student = make_student()
    rnd = svc.create_round(manager, campaign_id=funded.id, title="Đợt thử", unit_id=units["a"].id)
    svc.add_line(manager, rnd, student_public_id=student.public_id, asset="VND", amount=100_000)
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        svc.approve(treasurer, rnd)  # still a draft
    # A request of its own (its own app context): the locale is chosen once per context.
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert str(refused.value) == "Only a round awaiting approval can be approved or returned."
    assert str(refused.value) == "Chỉ duyệt hoặc trả lại được đợt trao đang chờ duyệt."
