"""Browser smoke tests of the core: language, login, back office, phone layout."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.browser.conftest import has_horizontal_scroll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_home_is_vietnamese_and_switches_to_english(page, live_server):
    page.goto(live_server + "/")
    header = page.locator("header")  # the footer repeats the menu's links
    assert page.get_attribute("html", "lang") == "vi"
    assert header.get_by_role("link", name="Về quỹ").is_visible()
    page.get_by_role("link", name="EN").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert header.get_by_role("link", name="About the fund").is_visible()
    page.get_by_role("link", name="VI").click()
    assert page.get_attribute("html", "lang") == "vi"


def test_manager_logs_in_and_sees_the_back_office(page, live_server, make_user):
    user = make_user("manager", "a")
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/quan-tri/$"))
    assert page.get_by_role("heading", name=re.compile("Xin chào")).is_visible()
    assert page.get_by_role("navigation", name="Quản trị").is_visible()
    # A manager's menu has no user administration.
    assert page.get_by_role("link", name="Người dùng").count() == 0


def test_admin_logs_in_with_the_second_factor(page, live_server, make_user):
    user = make_user("admin")
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Mã 6 số từ ứng dụng xác thực").fill(pyotp.TOTP(user.totp_secret).now())
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/quan-tri/$"))
    page.get_by_role("link", name="Người dùng").click()
    assert page.get_by_role("cell", name=user.email).is_visible()


def test_wrong_password_shows_an_error(page, live_server, make_user):
    user = make_user("field", "a")
    page.goto(live_server + "/dang-nhap")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mật khẩu").fill("khong-dung-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_text("E-mail hoặc mật khẩu không đúng.").is_visible()
    assert "/dang-nhap" in page.url


def test_phone_viewport_has_no_horizontal_scroll(phone, live_server, make_user):
    phone.goto(live_server + "/")
    assert not has_horizontal_scroll(phone)
    phone.goto(live_server + "/ve-quy")
    assert not has_horizontal_scroll(phone)
    phone.goto(live_server + "/dang-nhap")
    assert not has_horizontal_scroll(phone)
    user = make_user("manager", "a")
    phone.get_by_label("E-mail").fill(user.email)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(re.compile(r"/quan-tri/$"))
    assert not has_horizontal_scroll(phone)
    phone.goto(live_server + "/quan-tri/don-vi/")
    assert not has_horizontal_scroll(phone)


def test_keyboard_user_can_skip_to_content(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Bỏ qua" in focused
