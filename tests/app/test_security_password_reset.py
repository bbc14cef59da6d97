"""Password reset by e-mail and recovery codes (issue 12 item 8, issue 13 item 2)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from app.auth.models import RecoveryCode, User
from app.extensions import db
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "mat-khau-moi-rat-dai-2026"


@pytest.fixture
def mail_app(make_app, smtp):
    _, port = smtp
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)


def _reset_link(inbox) -> str:
    [message] = [m for m in inbox.messages if "Đặt lại mật khẩu" in m["Subject"]]
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/quen-mat-khau/\S+)", body).group(1)


def test_same_answer_whether_the_address_exists(mail_app, smtp, make_user):
    inbox, _ = smtp
    user = make_user("manager", "a")
    client = mail_app.test_client()
    known = client.post("/quen-mat-khau", data={"email": user.email}, follow_redirects=True)
    unknown = client.post(
        "/quen-mat-khau", data={"email": "ai-do@khong-co.example"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "Nếu e-mail này có tài khoản" in known.get_data(as_text=True)
    assert [m["To"] for m in inbox.messages] == [user.email]


def test_the_link_sets_a_new_password_once(mail_app, smtp, make_user):
    inbox, _ = smtp
    user = make_user("manager", "a")
    client = mail_app.test_client()
    signed_in = mail_app.test_client()
    login(signed_in, user)
    client.post("/quen-mat-khau", data={"email": user.email.upper()})
    link = _reset_link(inbox)
    assert "Đặt mật khẩu mới" in client.get(link).get_data(as_text=True)
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "confirm": "khac-han-nhau-123"})
    assert mismatch.status_code == 422
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"].endswith("/dang-nhap")
    # The link worked once; the old password no longer works; old sessions ended.
    again = client.get(link)
    assert again.status_code == 404 and "đã được dùng" in again.get_data(as_text=True)
    assert login(client, user).status_code == 401
    assert signed_in.get("/quan-tri/").status_code == 302
    assert login(client, user, NEW_PASSWORD).status_code == 302


def test_an_old_or_altered_link_is_refused(mail_app, smtp, make_user):
    inbox, _ = smtp
    user = make_user("field", "a")
    client = mail_app.test_client()
    client.post("/quen-mat-khau", data={"email": user.email})
    link = _reset_link(inbox)
    assert client.get(link[:-3] + "abc").status_code == 404
    mail_app.config["PASSWORD_RESET_SECONDS"] = 0
    time.sleep(1.1)
    expired = client.get(link)
    assert expired.status_code == 410 and "hết hạn" in expired.get_data(as_text=True)


def test_admins_still_need_their_second_factor_after_a_reset(mail_app, smtp, make_user):
    inbox, _ = smtp
    admin = make_user("admin")
    client = mail_app.test_client()
    client.post("/quen-mat-khau", data={"email": admin.email})
    link = _reset_link(inbox)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.post("/dang-nhap", data={"email": admin.email, "password": NEW_PASSWORD})
    assert response.headers["Location"].endswith("/dang-nhap/xac-thuc")
    assert client.get("/quan-tri/").status_code == 302  # not in before the code


def test_reset_requests_are_rate_limited(rate_limited_app, make_user):
    user = make_user("field", "a")
    client = rate_limited_app.test_client()
    answers = [
        client.post("/quen-mat-khau", data={"email": user.email}).status_code for _ in range(4)
    ]
    assert answers == [302, 302, 302, 429]


def test_bad_addresses_are_refused_on_the_form(client):
    response = client.post("/quen-mat-khau", data={"email": "khong phai e-mail"})
    assert response.status_code == 422
    assert "không hợp lệ" in response.get_data(as_text=True)


def _enrol(client, user) -> list[str]:
    client.get("/tai-khoan/xac-thuc-hai-lop")
    with client.session_transaction() as session:
        secret = session["totp_secret"]
    page = client.post("/tai-khoan/xac-thuc-hai-lop", data={"code": pyotp.TOTP(secret).now()})
    return re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", page.text)


def test_recovery_codes_shown_once_stored_hashed_usable_once(app, make_user):
    user = make_user("treasurer")
    user.totp_enabled, user.totp_secret = False, None
    db.session.commit()
    client = app.test_client()
    client.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
    codes = _enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.query(RecoveryCode).filter_by(user_id=user.id).all()
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & {r.code_hash for r in stored}
    # Shown once: the page that showed them cannot show them again.
    assert codes[0] not in client.get("/tai-khoan/xac-thuc-hai-lop", follow_redirects=True).text
    client.post("/dang-xuat")

    # Phone lost: a recovery code stands in for the 6 digits, once.
    for attempt, expected in ((codes[0].upper(), 302), (codes[0], 401)):
        other = app.test_client()
        other.post("/dang-nhap", data={"email": user.email, "password": PASSWORD})
        response = other.post("/dang-nhap/xac-thuc", data={"code": attempt})
        assert response.status_code == expected
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enabled
