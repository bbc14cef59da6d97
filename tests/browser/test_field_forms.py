"""Browser, on a phone: a failed student form shows its errors on the first screen; a decimal
distance is kept as typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_students import _login

pytestmark = pytest.mark.browser


def test_failed_submit_shows_the_errors_first(phone, live_server, make_user, places, units):
    _login(phone, live_server, make_user("field", "a"))
    phone.goto(f"{live_server}/quan-tri/hoc-sinh/moi")
    phone.get_by_label("Họ và tên", exact=True).fill("Vàng Thị Khoảng Cách")
    phone.get_by_label("Ngày sinh", exact=True).fill("2013-04-12")
    phone.get_by_label("Giới tính", exact=True).select_option("female")
    phone.get_by_label("Trường", exact=True).select_option(label=places["school_a"].name)
    phone.get_by_label("Khối lớp (1–12)", exact=True).fill("13")
    phone.get_by_label("Khoảng cách đến trường (km)", exact=True).fill("250")
    phone.get_by_role("button", name="Lưu").click()
    summary = phone.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= 740 or box["y"] < 740  # on the first screen
    message = "Nhập khoảng cách từ 0 đến 200 km, ví dụ 12 hoặc 12,5."
    expect(summary).to_contain_text(message)
    summary.get_by_role("link", name=message).click()
    expect(phone.get_by_label("Khoảng cách đến trường (km)", exact=True)).to_be_focused()
    phone.get_by_label("Khoảng cách đến trường (km)", exact=True).fill("12,5")
    phone.get_by_label("Khối lớp (1–12)", exact=True).fill("7")
    phone.get_by_role("button", name="Lưu").click()
    phone.get_by_text("Đã thêm học sinh").wait_for()
    expect(phone.get_by_text("12,5 km")).to_be_visible()  # stored exactly, not rounded to 13
    assert not has_horizontal_scroll(phone)
