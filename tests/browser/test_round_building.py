"""Browser, on a phone: a manager builds a round from a filtered list, sees the balance, and
a proposal larger than the campaign's balance is refused with the shortfall."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from students.rounds import services as svc
from students.rounds.models import AllocationRound, RoundStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_students import _login

pytestmark = pytest.mark.browser


def test_round_over_the_balance_is_refused_with_the_shortfall(
    phone, live_server, make_user, make_student, units
):
    campaign = Campaign(
        slug="hoc-bong-dien-thoai",
        title="Học bổng điện thoại",
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
        ref="TSPHONE",
        idempotency_key="test:phone-round",
    )
    db.session.commit()
    make_student(full_name="Em Lớp Tám Một", grade=8, class_name="8A")
    make_student(full_name="Em Lớp Tám Hai", grade=8, class_name="8B")
    make_student(full_name="Em Lớp Sáu", grade=6, class_name="6A")
    manager = make_user("manager", "a")
    rnd = svc.create_round(
        manager, campaign_id=campaign.id, title="Đợt tháng 12", unit_id=units["a"].id
    )
    db.session.commit()

    _login(phone, live_server, manager)
    phone.goto(f"{live_server}/quan-tri/dot-trao/{rnd.public_id}")
    expect(phone.locator("[data-balances]")).to_contain_text("1.000.000 ₫")
    phone.get_by_label("Lớp", exact=True).select_option("8")
    phone.get_by_role("button", name="Lọc").click()
    offered = phone.locator("[data-offered]")
    expect(offered).to_contain_text("Em Lớp Tám Một")
    expect(offered).not_to_contain_text("Em Lớp Sáu")
    phone.get_by_label("Em Lớp Tám Một").check()
    phone.get_by_label("Em Lớp Tám Hai").check()
    phone.get_by_label("Số lượng mỗi em").fill("600k")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Thêm các em đã chọn").click()
    expect(phone.get_by_text("Đã thêm 2 học sinh vào đợt trao.")).to_be_visible()
    expect(phone.locator("[data-balances]")).to_contain_text("thiếu 200.000 ₫")
    phone.screenshot(path="/tmp/i12-round-375.png", full_page=True)
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name="Gửi duyệt").click()
    expect(phone.get_by_text("không đủ cho đợt trao này", exact=False).first).to_be_visible()
    expect(phone.get_by_text("thiếu 200.000 ₫", exact=False).first).to_be_visible()
    db.session.expire_all()
    assert db.session.get(AllocationRound, rnd.id).status == RoundStatus.draft
