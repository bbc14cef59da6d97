"""Browser: the header on a phone folds its links behind "Menu" (keyboard, Escape), without
JavaScript the same links are in the footer, the back office's menu is folded on a phone and
open on a desktop, and the back office offers the signed-in user's own account pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_accessibility import AXE
from tests.browser.test_students import _login

pytestmark = pytest.mark.browser

HEADER_NAV = "Điều hướng chính"


def test_phone_menu_opens_reaches_a_link_by_keyboard_and_closes_on_escape(phone, live_server):
    phone.goto(live_server + "/")
    menu = phone.get_by_role("button", name="Menu")
    nav = phone.get_by_role("navigation", name=HEADER_NAV)
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_have_attribute("aria-controls", "main-nav")
    expect(nav).to_be_hidden()
    assert not has_horizontal_scroll(phone)

    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    assert not AXE.run(phone).response["violations"]  # open, it is still clean
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()

    phone.keyboard.press("Space")
    expect(nav).to_be_visible()
    statement = nav.get_by_role("link", name="Sao kê", exact=True)
    for _ in range(12):  # Tab through the links, from the button, until the statement's
        phone.keyboard.press("Tab")
        if statement.evaluate("el => el === document.activeElement"):
            break
    expect(statement).to_be_focused()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/sao-ke"))
    expect(phone.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_desktop_shows_the_links_and_no_menu_button(page, live_server):
    page.goto(live_server + "/")
    expect(page.get_by_role("navigation", name=HEADER_NAV)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_without_javascript_menu_leads_to_the_footer_links(browser, live_server):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=False, locale="vi-VN"
    )
    tab = context.new_page()
    try:
        tab.goto(live_server + "/")
        tab.get_by_role("link", name="Menu").click()
        assert tab.url.endswith("#footer-nav")
        footer = tab.get_by_role("navigation", name="Mọi trang của quỹ")
        expect(footer).to_be_in_viewport()
        for name in ("Chiến dịch", "Sao kê", "Kiểm chứng", "Về quỹ"):
            expect(footer.get_by_role("link", name=name, exact=True)).to_be_visible()
        reconciliation = footer.get_by_role("link", name="Đối soát ngân hàng hằng tháng")
        expect(reconciliation).to_have_attribute("href", "/doi-soat")
    finally:
        context.close()


def test_back_office_header_links_to_own_password_and_second_factor(phone, live_server, make_user):
    _login(phone, live_server, make_user("field", "a"))
    account = phone.get_by_role("region", name="Tài khoản đang đăng nhập")
    account.get_by_role("link", name="Đổi mật khẩu").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/mat-khau$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("mật khẩu")
    # The password page keeps the back-office header: the way back is one tap away.
    expect(phone.get_by_role("region", name="Tài khoản đang đăng nhập")).to_be_visible()
    expect(phone.get_by_text("Menu quản trị", exact=True)).to_be_visible()  # folded
    phone.go_back()
    account.get_by_role("link", name="Xác thực hai lớp").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop"))
    assert not has_horizontal_scroll(phone)


def test_back_office_menu_is_folded_on_a_phone_and_open_on_a_desktop(
    phone, page, live_server, make_user
):
    _login(phone, live_server, make_user("admin", "province"))
    menu = phone.get_by_role("navigation", name="Quản trị")
    # Folded: the page's own heading is on the first screen, not thirty links.
    expect(menu).to_be_hidden()
    expect(phone.get_by_role("heading", level=1)).to_be_in_viewport()
    phone.get_by_text("Menu quản trị", exact=True).click()
    expect(menu).to_be_visible()
    menu.get_by_role("link", name="Đối soát ngân hàng").click()
    phone.wait_for_url(re.compile(r"/quan-tri/doi-soat$"))
    expect(phone.get_by_role("navigation", name="Quản trị")).to_be_hidden()

    _login(page, live_server, make_user("admin", "province"))  # a code works once: another user
    expect(page.get_by_role("navigation", name="Quản trị")).to_be_visible()
