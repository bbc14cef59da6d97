"""Logging in: passwords, two factors, rate limits, CSRF, cookies, and the users CLI."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from app import create_app
from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login


def test_manager_logs_in_and_sees_the_back_office(client, make_user):
    user = make_user("manager", "a")
    response = login(client, user)
    assert response.status_code == 302 and response.headers["Location"].endswith("/quan-tri/")
    page = client.get("/quan-tri/").get_data(as_text=True)
    assert "Xin chào" in page and user.display_name in page
    assert db.session.execute(select(AuditEntry).filter_by(action="user.login")).scalar_one()


def test_wrong_password_shows_a_clear_error(client, make_user):
    user = make_user("manager", "a")
    response = client.post("/dang-nhap", data={"email": user.email, "password": "sai-mat-khau-roi"})
    assert response.status_code == 401
    assert "E-mail hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/quan-tri/").status_code == 302  # still logged out


def test_unknown_email_gets_the_same_message(client, units):
    response = client.post(
        "/dang-nhap", data={"email": "ai-do@khong.co", "password": "whatever123"}
    )
    assert response.status_code == 401
    assert "E-mail hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_empty_form_says_what_is_missing(client, units):
    html = client.post("/dang-nhap", data={}).get_data(as_text=True)
    assert "Vui lòng nhập e-mail." in html and "Vui lòng nhập mật khẩu." in html


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user("field", "a")
    user.active = False
    db.session.commit()
    assert (
        client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD}).status_code
        == 401
    )


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user("field", "a", email="To.Cong.Tac@Test.Example")
    response = client.post(
        "/dang-nhap", data={"email": "to.cong.tac@test.example", "password": PASSWORD}
    )
    assert response.status_code == 302, user


def test_admin_needs_the_second_factor(client, make_user):
    user = make_user("admin")
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/dang-nhap/xac-thuc")
    assert client.get("/quan-tri/").status_code == 302  # not in yet
    wrong = client.post("/dang-nhap/xac-thuc", data={"code": "000000"})
    assert wrong.status_code == 401
    assert "Mã xác thực không đúng" in wrong.get_data(as_text=True)
    right = client.post("/dang-nhap/xac-thuc", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert right.status_code == 302
    assert client.get("/quan-tri/").status_code == 200


def test_treasurer_without_2fa_must_enrol_before_working(client, make_user):
    user = make_user("treasurer")
    user.totp_enabled, user.totp_secret = False, None
    db.session.commit()
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/tai-khoan/xac-thuc-hai-lop")
    # Every back-office page sends them back to enrolment.
    assert client.get("/quan-tri/").headers["Location"].endswith("/tai-khoan/xac-thuc-hai-lop")
    page = client.get("/tai-khoan/xac-thuc-hai-lop").get_data(as_text=True)
    assert "<svg" in page  # the QR code to scan
    with client.session_transaction() as session:
        secret = session["totp_secret"]
    bad = client.post("/tai-khoan/xac-thuc-hai-lop", data={"code": "123456"})
    assert "Mã xác thực không đúng" in bad.get_data(as_text=True)
    ok = client.post("/tai-khoan/xac-thuc-hai-lop", data={"code": pyotp.TOTP(secret).now()})
    # The recovery codes are shown once, then the user goes on.
    assert ok.status_code == 200 and "Mã khôi phục của bạn" in ok.get_data(as_text=True)
    assert client.get("/quan-tri/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enabled


def test_logout_needs_post_and_ends_the_session(client, make_user):
    login(client, make_user("field", "a"))
    assert client.get("/dang-xuat").status_code == 405
    client.post("/dang-xuat")
    assert client.get("/quan-tri/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user("field", "a")
    response = client.post(
        "/dang-nhap?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/quan-tri/")


def test_next_parameter_returns_to_the_page_asked_for(client, make_user):
    user = make_user("manager", "a")
    response = client.post(
        "/dang-nhap?next=/quan-tri/don-vi/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"].endswith("/quan-tri/don-vi/")


def test_login_is_rate_limited_per_account(rate_limited_app, make_user):
    user = make_user("manager", "a")
    client = rate_limited_app.test_client()
    codes = [
        client.post(
            "/dang-nhap", data={"email": user.email, "password": "sai-mat-khau-1"}
        ).status_code
        for _ in range(9)
    ]
    assert codes[:8] == [401] * 8 and codes[8] == 429
    blocked = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password waits
    assert "Quá nhiều" in blocked.get_data(as_text=True)
    # Another account from the same address is not blocked by this account's limit.
    other = make_user("field", "a")
    assert (
        client.post("/dang-nhap", data={"email": other.email, "password": PASSWORD}).status_code
        == 302
    )


def test_login_is_rate_limited_per_ip(rate_limited_app, units):
    client = rate_limited_app.test_client()
    codes = [
        client.post(
            "/dang-nhap", data={"email": f"x{i}@test.example", "password": "abcdefghijk"}
        ).status_code
        for i in range(21)
    ]
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_expired_or_missing_csrf_token_gets_a_clear_message(make_app, make_user):
    user = make_user("manager", "a")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Phiên làm việc đã hết hạn" in html and "Traceback" not in html


def test_production_cookies_are_secure_and_secret_key_is_required(monkeypatch, app_settings, app):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", app_settings["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("BANK_BIN", "970436")
    monkeypatch.setenv("BANK_ACCOUNT_NUMBER", "1234567890")
    monkeypatch.setenv("BANK_ACCOUNT_NAME", "QUY THU NGHIEM")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", app_settings)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    prod = create_app("production", app_settings)
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from tests.app.test_security_production import restore_test_app

    restore_test_app(app)  # the production app took the job queue and switched the limiter on


def test_passwords_are_scrypt_hashes(make_user):
    user = make_user("field", "a")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_cli_creates_a_user_after_asking_for_the_password(app, units):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Moi@Test.Example",
            "--role",
            "field",
            "--unit",
            "huyen-a",
        ],
        input="mot-mat-khau-dai\nmot-mat-khau-dai\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).filter_by(email="moi@test.example")).scalar_one()
    assert user.unit.code == "huyen-a" and user.role.value == "field"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["--email", "a@test.example", "--role", "field", "--unit", "khong-co"],
            "mot-mat-khau-dai\nmot-mat-khau-dai\n",
            "Không có đơn vị",
        ),
        (
            ["--email", "khong-phai-email", "--role", "field", "--unit", "huyen-a"],
            "mot-mat-khau-dai\nmot-mat-khau-dai\n",
            "e-mail không hợp lệ",
        ),
        (
            ["--email", "a@test.example", "--role", "field", "--unit", "huyen-a"],
            "ngan\nngan\n",
            "ít nhất 10 ký tự",
        ),
        (["--email", "a@test.example", "--role", "boss", "--unit", "huyen-a"], "", "Invalid value"),
    ],
)
def test_cli_refuses_bad_input_and_creates_nothing(app, units, args, stdin, message):
    result = app.test_cli_runner().invoke(args=["users", "create", *args], input=stdin)
    assert result.exit_code != 0
    assert message.lower() in result.output.lower()
    assert db.session.execute(select(User)).first() is None
