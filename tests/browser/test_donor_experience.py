"""Donor journeys on a phone: the donate form's errors, the campaign page's sticky bar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import has_horizontal_scroll

pytestmark = pytest.mark.browser


def test_donate_form_errors_summary_links_and_focus(phone, live_server, make_campaign):
    make_campaign(unit="province", slug="hoc-bong-thu", title="Học bổng Thử nghiệm")
    phone.goto(f"{live_server}/ung-ho/hoc-bong-thu")
    # Tiles never wrap "₫" onto a line of its own.
    for tile in phone.locator(".amount-option span").all():
        box = tile.bounding_box()
        assert box and box["height"] < 30, tile.inner_text()
    phone.get_by_text("Số khác").click()
    phone.get_by_label("Số tiền khác (đồng)").fill("abc")
    phone.get_by_label("E-mail nhận biên nhận").fill("khong-phai-email")
    phone.get_by_role("button", name="Tiếp tục").click()

    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Có 3 chỗ cần sửa")
    assert summary.bounding_box()["y"] < 740  # on the first screen
    summary.get_by_role("link", name="Địa chỉ e-mail không hợp lệ.").click()
    expect(phone.get_by_label("E-mail nhận biên nhận")).to_be_focused()
    summary.get_by_role("link", name="tên hiển thị", exact=False).click()
    expect(phone.get_by_label("Tên hiển thị")).to_be_focused()
    assert phone.locator('[aria-invalid="None"]').count() == 0
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/i12-donate-errors.png")


def test_sticky_give_bar_hides_while_the_main_button_shows(phone, live_server, make_campaign):
    make_campaign(unit="province", slug="hoc-bong-thu", title="Học bổng Thử nghiệm")
    phone.goto(f"{live_server}/chien-dich/hoc-bong-thu")
    bar = phone.locator("[data-sticky-give]")
    main = phone.locator(".cp-side .cp-donate")
    main.scroll_into_view_if_needed()
    expect(bar).to_have_class("cp-sticky is-hidden")
    phone.locator(".cp-share").first.scroll_into_view_if_needed()
    expect(bar).to_have_class("cp-sticky is-hidden")
    phone.locator("#news-h").scroll_into_view_if_needed()
    expect(bar).not_to_have_class("cp-sticky is-hidden")


def test_company_gives_and_is_shown_by_name(phone, live_server, app, monkeypatch, make_campaign):
    import json
    import re
    import urllib.request

    from tests.fixtures.donations import SEPAY_KEY, sepay_body

    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    make_campaign(unit="province", slug="hoc-bong-thu", title="Học bổng Thử nghiệm")
    phone.goto(f"{live_server}/ung-ho/hoc-bong-thu")
    phone.get_by_text("1.000.000 ₫").click()
    phone.get_by_label("Tôi ủng hộ với tư cách doanh nghiệp").check()
    phone.get_by_label("Tên doanh nghiệp").fill("Công ty Cổ phần Thử Sáng")
    phone.get_by_label("Mã số thuế").fill("0312345678")
    phone.get_by_label("Địa chỉ doanh nghiệp").fill("9 Đường Mẫu")
    phone.get_by_label("E-mail nhận biên nhận").fill("ketoan@thusang.example.org")
    phone.get_by_role("button", name="Tiếp tục").click()
    reference = re.search(r"/ung-ho/p/(TS[0-9A-Z]{8})", phone.url).group(1)
    body = json.dumps(sepay_body(f"{reference} UNG HO", 1_000_000)).encode()
    request = urllib.request.Request(
        f"{live_server}/webhooks/bank/sepay",
        data=body,
        method="POST",
        headers={"Authorization": f"Apikey {SEPAY_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    phone.reload()
    expect(phone.get_by_role("heading", name="Cảm ơn Công ty Cổ phần Thử Sáng!")).to_be_visible()
    phone.goto(f"{live_server}/chien-dich/hoc-bong-thu")
    expect(phone.locator("#recent-h + *, .cp-honour").first).to_contain_text(
        "Công ty Cổ phần Thử Sáng"
    )
    expect(phone.get_by_text("Nhà hảo tâm ẩn danh")).to_have_count(0)


def test_home_donate_button_in_the_first_screen(phone, page, live_server, make_campaign, give):
    campaign = make_campaign(unit="province", title="Học bổng Nổi bật", featured=True)
    give(campaign, 1_500_000, label="Công ty Thử Sáng")
    give(campaign, 50_000, label="Bạn Nhỏ Thử")
    phone.goto(live_server + "/")
    button = phone.get_by_role("link", name="Ủng hộ ngay")
    expect(button).to_be_visible()
    assert button.bounding_box()["y"] + button.bounding_box()["height"] < 740
    phone.screenshot(path="/tmp/i12-home-375.png", full_page=True)
    page.goto(live_server + "/")
    amounts = page.locator(".cp-gift-amount").all()
    rights = {round(a.bounding_box()["x"] + a.bounding_box()["width"]) for a in amounts}
    assert len(amounts) == 2 and len(rights) == 1  # aligned in a column on desktop
    page.screenshot(path="/tmp/i12-home-1280.png", full_page=True)
    button.click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Học bổng Nổi bật")
