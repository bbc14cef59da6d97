"""The public statement on a phone: a donor finds the gift by reference and by name."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import has_horizontal_scroll

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOTS_DIR")


@pytest.fixture
def gifts(make_campaign, give):
    campaign = make_campaign("hu-gao-pho", title="Hũ gạo tiếp sức đến trường")
    other = make_campaign("sach-vo-pho", title="Sách vở cho em")
    give(other, 300_000, label="")
    mine = give(campaign, 1_500_000, label="Nguyễn Văn A")
    give(campaign, 200_000, label="Nguyễn Văn Bình")
    for i in range(6):
        give(other, 100_000 + i * 10_000, label="Trần Thị Mai")
    return mine


def _search(tab, text: str) -> None:
    tab.get_by_label("Tìm kiếm").fill(text)
    tab.get_by_role("button", name="Tìm", exact=True).click()
    tab.wait_for_load_state()


def test_phone_search_by_reference_and_by_name_finds_the_gift(phone, live_server, gifts):
    phone.goto(live_server + "/")
    phone.get_by_role("contentinfo").get_by_role("link", name="Sao kê công khai").click()
    phone.wait_for_url("**/sao-ke")
    assert phone.get_by_role("heading", name="Sao kê công khai").is_visible()
    assert not has_horizontal_scroll(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "statement-phone.png"), full_page=True)

    _search(phone, gifts.ref.lower())
    rows = phone.locator("table.stack tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert "1.500.000 ₫" in row.inner_text()
    assert "Nguyễn Văn A" in row.inner_text()
    assert row.get_by_role("link", name=gifts.ref).get_attribute("href") == f"/truy-vet/{gifts.ref}"
    # On a phone each row reads as a list: label, then value, one under the other.
    assert row.locator("td").first.bounding_box()["width"] > 300
    assert not has_horizontal_scroll(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "statement-phone-ref.png"), full_page=True)

    _search(phone, "nguyen van a")
    assert phone.locator("table.stack tbody tr").count() == 1
    assert "Nguyễn Văn A" in phone.locator("table.stack tbody tr").first.inner_text()
    assert "1 bút toán" in phone.locator(".st-totals").inner_text()


def test_phone_filters_by_campaign_and_amount(phone, live_server, gifts):
    phone.goto(live_server + "/sao-ke")
    phone.get_by_text("Lọc thêm").click()
    phone.get_by_label("Chiến dịch").select_option("sach-vo-pho")
    phone.get_by_label("Số tiền từ").fill("120.000")
    phone.get_by_role("button", name="Tìm", exact=True).click()
    phone.wait_for_load_state()
    rows = phone.locator("table.stack tbody tr")
    assert rows.count() == 5  # 120.000 … 150.000 ₫ and the anonymous 300.000 ₫
    assert "5 bút toán" in phone.locator(".st-totals").inner_text()
    assert not has_horizontal_scroll(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "statement-phone-filter.png"), full_page=True)
