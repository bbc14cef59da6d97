"""Browser tests of the campaign site: sharing with a ref, a manager publishing, a phone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.ledger import service as ledger
from campaigns import referrals
from campaigns.models import Campaign, CampaignGoal, CampaignKind, CampaignStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _campaign(units, slug="hu-gao-tiep-suc", title="Hũ gạo tiếp sức đến trường") -> Campaign:
    campaign = Campaign(
        slug=slug,
        title=title,
        summary="2.000 kg gạo cho bếp bán trú của ba điểm trường vùng cao.",
        story_md="Các em ở bán trú cả tuần, **gạo** là thứ thiếu nhất. " * 5,
        kind=CampaignKind.rice_jar,
        status=CampaignStatus.published,
        featured=True,
        unit_id=units["a"].id,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
    )
    campaign.goals = [
        CampaignGoal(asset="VND", target=40_000_000, label=""),
        CampaignGoal(asset="RICE_G", target=2_000_000, label=""),
    ]
    db.session.add(campaign)
    db.session.flush()
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=12_345_000,
        kind="donation",
        ref="TSBROWSER1",
        idempotency_key="browser:1",
        label="Công ty TNHH Một Thành Viên Ánh Sáng Vùng Cao Phía Bắc",
    )
    db.session.commit()
    return campaign


def test_home_to_campaign_then_shared_ref_link_is_remembered(page, live_server, app, units):
    campaign = _campaign(units)
    referrals.unit_code(units["a"])
    db.session.commit()
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile("Hũ gạo tiếp sức đến trường")).first.click()
    page.wait_for_url(re.compile(rf"/chien-dich/{campaign.slug}$"))
    assert page.get_by_role("heading", level=1, name=campaign.title).is_visible()
    short = page.locator(".cp-short a").get_attribute("href")
    assert short.endswith(f"/c/{campaign.slug}")
    # A friend opens the unit's shared link, then wanders off and comes back.
    page.goto(live_server + f"/c/{campaign.slug}?ref=HUYEN-A")
    page.wait_for_url(re.compile(r"ref=huyen-a"))
    page.locator("header").get_by_role("link", name="Trang chủ").click()
    page.get_by_role("link", name=re.compile("Hũ gạo tiếp sức đến trường")).first.click()
    page.wait_for_url(re.compile(rf"/chien-dich/{campaign.slug}$"))
    assert page.get_by_text("liên kết giới thiệu “huyen-a”").is_visible()
    if "pledges.donate" in app.view_functions:
        href = page.locator("a.cp-donate").get_attribute("href")
        assert "ref=huyen-a" in href
    # An unknown code on a fresh visit is ignored without any error.
    page.goto(live_server + f"/chien-dich/{campaign.slug}?ref=khong-ton-tai")
    assert page.get_by_role("heading", level=1, name=campaign.title).is_visible()


def test_manager_creates_previews_and_publishes(page, live_server, make_user, units):
    user = make_user("manager", "a")
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/quan-tri/$"))
    page.get_by_role("navigation", name="Quản trị").get_by_role(
        "link", name="Chiến dịch", exact=True
    ).click()
    page.get_by_role("link", name="Tạo chiến dịch").first.click()
    page.get_by_label("Tên chiến dịch").fill("Xe đạp đến trường Suối Hoa")
    page.get_by_label(re.compile("^Tóm tắt")).fill("50 chiếc xe đạp cho học sinh đi bộ hơn 5 km.")
    page.get_by_label(re.compile("^Câu chuyện")).fill("Mỗi sáng các em đi bộ **hai giờ** đến lớp.")
    page.get_by_label("Loại chiến dịch").select_option("transport")
    page.get_by_label("Ngày bắt đầu").fill("2026-09-01")
    page.get_by_role("button", name="Xem trước").click()
    preview = page.locator(".cp-preview")
    assert preview.get_by_text("hai giờ").is_visible()
    assert preview.locator("strong", has_text="hai giờ").count() == 1
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/quan-tri/chien-dich/\d+$"))
    page.get_by_label("Loại").select_option("BICYCLE")
    page.get_by_role("textbox", name="Mục tiêu", exact=True).fill("50")
    page.get_by_role("button", name="Thêm mục tiêu").click()
    assert page.get_by_text("Đã thêm mục tiêu.").is_visible()
    page.get_by_role("button", name="Công bố").click()
    assert page.get_by_text("Chiến dịch hiện ở trạng thái: Đang nhận ủng hộ.").is_visible()
    page.get_by_role("link", name="Mở trang công khai").click()
    assert page.get_by_role("heading", level=1, name="Xe đạp đến trường Suối Hoa").is_visible()
    assert page.get_by_text("50 xe đạp").first.is_visible()


def test_phone_shows_campaign_without_horizontal_scroll(phone, live_server, units):
    campaign = _campaign(
        units,
        slug="nha-ban-tru-cho-em-diem-truong-ta-lung-rat-xa",
        title="Nhà bán trú cho em – điểm trường Tà Lùng xa xôi",
    )
    phone.goto(live_server + f"/chien-dich/{campaign.slug}")
    assert phone.get_by_role("heading", level=1).is_visible()
    assert not has_horizontal_scroll(phone)
    for url in ("/", "/chien-dich/", "/thi-dua", "/vinh-danh"):
        phone.goto(live_server + url)
        assert not has_horizontal_scroll(phone), url
