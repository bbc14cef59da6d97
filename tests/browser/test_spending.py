"""Browser: a manager proposes paying an invoice from a campaign, a treasurer approves it, and the
public campaign page shows the new figures; the money-out pages fit a phone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import BudgetLine, Campaign, CampaignGoal, CampaignKind, CampaignStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_students import _login
from tests.fixtures.campaigns import jpeg_bytes

pytestmark = pytest.mark.browser


def _boarding(units, slug="nha-ban-tru-trinh-duyet", status=CampaignStatus.published) -> Campaign:
    campaign = Campaign(
        slug=slug,
        title="Nhà bán trú cho em – Trình Duyệt",
        summary="Nhà bán trú 12 phòng cho 96 học sinh ở xa trường.",
        kind=CampaignKind.boarding_house,
        status=status,
        unit_id=units["a"].id,
        starts_on=date(2026, 9, 1),
    )
    campaign.goals = [CampaignGoal(asset="VND", target=850_000_000, label="")]
    campaign.budget_lines = [BudgetLine(label="Giường tầng, chăn màn", amount=210_000_000)]
    db.session.add(campaign)
    db.session.flush()
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=31_500_000,
        kind="donation",
        ref=f"TSBR{slug[:6].upper()}",
        idempotency_key=f"browser:spending:{slug}",
    )
    db.session.commit()
    return campaign


def test_propose_then_someone_else_approves_then_the_public_page_shows_it(
    page, browser, live_server, make_user, units, tmp_path
):
    campaign = _boarding(units)
    manager, treasurer = make_user("manager", "a"), make_user("treasurer")
    invoice = tmp_path / "hoa-don.jpg"
    invoice.write_bytes(jpeg_bytes((600, 800)))

    _login(page, live_server, manager)
    page.goto(f"{live_server}/quan-tri/chien-dich/{campaign.id}")
    section = page.locator("section", has=page.get_by_role("heading", name="Chi tiêu", exact=True))
    assert section.get_by_text("Chưa có khoản chi nào.").is_visible()
    section.get_by_label("Loại khoản chi").select_option("purchase")
    section.get_by_label("Nội dung chi").fill("12 giường tầng gỗ keo")
    section.get_by_label("Nhà cung cấp / đơn vị thi công").fill("Hộ kinh doanh Mộc Tà Lùng")
    section.get_by_label("Số hoá đơn").fill("0000087")
    section.get_by_label("Ngày hoá đơn").fill("2026-11-05")
    section.get_by_label("Số tiền (đồng)").fill("9,6 triệu")
    section.get_by_label("Hạng mục dự toán").select_option(index=1)
    section.get_by_label(re.compile("^Ảnh chụp hoặc bản quét hoá đơn")).set_input_files(
        str(invoice)
    )
    page.once("dialog", lambda d: d.accept())
    section.get_by_role("button", name="Gửi đề xuất chi").click()
    page.get_by_text(re.compile("Đã gửi đề xuất chi DX-")).wait_for()
    proposal_url = page.url
    assert "/quan-tri/de-xuat/DX-" in proposal_url
    assert page.get_by_text("Đề xuất của bạn đang chờ một người khác").is_visible()
    db.session.expire_all()
    assert ledger.balance(campaign.account) == 31_500_000

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    _login(tab, live_server, treasurer)
    tab.goto(proposal_url)
    assert tab.get_by_text("Hộ kinh doanh Mộc Tà Lùng").first.is_visible()
    scan = tab.get_by_role("link", name="Mở hoá đơn gốc (chỉ nội bộ)").get_attribute("href")
    answer = tab.request.get(live_server + scan)
    assert answer.ok and answer.headers["content-type"] == "image/jpeg"
    tab.once("dialog", lambda d: d.accept())
    tab.get_by_role("button", name="Duyệt và ghi sổ").click()
    tab.get_by_text(re.compile("Đã duyệt đề xuất DX-")).wait_for()
    context.close()

    page.goto(f"{live_server}/chien-dich/{campaign.slug}")
    money = page.locator("table.cp-money")
    assert money.get_by_text("−9.600.000 ₫").is_visible()
    assert money.get_by_text("21.900.000 ₫").is_visible()  # the campaign's balance
    assert page.get_by_text("12 giường tầng gỗ keo").is_visible()
    db.session.expire_all()
    assert ledger.balance(campaign.account) == 21_900_000


def test_money_out_pages_fit_a_phone(phone, live_server, make_user, units):
    campaign = _boarding(units)
    closed = _boarding(units, slug="da-ket-thuc-trinh-duyet", status=CampaignStatus.closed)
    _login(phone, live_server, make_user("manager", "a"))
    for url in (
        f"/quan-tri/chien-dich/{campaign.id}",
        f"/quan-tri/chien-dich/{campaign.id}/chi-tieu",
        f"/quan-tri/chien-dich/{closed.id}/dieu-chuyen",
        "/quan-tri/chi-tieu",
        f"/chien-dich/{closed.slug}",
    ):
        phone.goto(live_server + url)
        assert phone.get_by_role("heading", level=1).first.is_visible(), url
        assert not has_horizontal_scroll(phone), url
