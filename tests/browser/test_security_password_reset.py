"""The password reset journey on a phone (issue 12 item 8): ask, read the mail, set a new
password, sign in with it."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

NEW_PASSWORD = "mat-khau-moi-tren-dien-thoai"


@pytest.fixture
def mailing(app, smtp):
    """The live server sends its mail to the test SMTP server for this test."""
    inbox, port = smtp
    before = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = before


def test_forgotten_password_journey(phone, live_server, mailing, make_user):
    user = make_user("manager", "a")
    phone.goto(live_server + "/dang-nhap")
    phone.get_by_role("link", name="Quên mật khẩu?").click()
    phone.get_by_label("E-mail đăng nhập").fill(user.email)
    phone.get_by_role("button", name="Gửi đường dẫn").click()
    assert phone.get_by_text("Nếu e-mail này có tài khoản").is_visible()
    phone.screenshot(path="/tmp/i13-reset-sent.png")

    [message] = mailing.messages
    body = message.get_body(("plain",)).get_content()
    path = re.search(r"http://localhost(/quen-mat-khau/\S+)", body).group(1)
    phone.goto(live_server + path)
    phone.get_by_label("Mật khẩu mới (ít nhất 10 ký tự)").fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.screenshot(path="/tmp/i13-reset-form.png")
    phone.get_by_role("button", name="Lưu mật khẩu mới").click()
    assert phone.get_by_text("Đã đặt mật khẩu mới").is_visible()

    phone.get_by_label("E-mail").fill(user.email)
    phone.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(re.compile(r"/quan-tri/$"))

    # The link was for one use only.
    phone.goto(live_server + path)
    assert phone.get_by_text("Đường dẫn không hợp lệ hoặc đã được dùng.").is_visible()


def test_enrolment_shows_the_recovery_codes_once_on_a_phone(phone, live_server, make_user):
    import pyotp

    from app.extensions import db
    from tests.conftest import PASSWORD

    user = make_user("treasurer")
    user.totp_enabled, user.totp_secret = False, None
    db.session.commit()
    phone.goto(live_server + "/dang-nhap")
    phone.get_by_label("E-mail").fill(user.email)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.wait_for_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop$"))
    secret = phone.locator("code.secret").inner_text().strip()
    phone.get_by_label("Mã 6 số từ ứng dụng xác thực").fill(pyotp.TOTP(secret).now())
    phone.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert phone.get_by_role("heading", name="Mã khôi phục của bạn").is_visible()
    assert phone.locator(".recovery-codes li").count() == 10
    phone.screenshot(path="/tmp/i13-recovery-codes.png", full_page=True)
    phone.get_by_role("link", name="Tôi đã cất các mã, tiếp tục").click()
    phone.wait_for_url(re.compile(r"/quan-tri/$"))
