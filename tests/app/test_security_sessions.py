"""Sessions that end (issue 13 item 2): logout, password change and disabling end every
session; idle timeout and absolute lifetime; the second factor changes only with a code."""

from __future__ import annotations

import time

import pyotp
import pytest

from app.audit.models import AuditEntry
from app.auth import services
from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD, login


def _copy_cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/quan-tri/")


def test_a_copied_cookie_replayed_after_logout_gets_the_login_page(app, client, make_user):
    user = make_user("manager", "a")
    login(client, user)
    stolen = _copy_cookie(client)
    assert _replay(app, stolen).status_code == 200  # the copy works while the session lives
    client.post("/dang-xuat")
    response = _replay(app, stolen)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_logout_ends_the_sessions_on_other_devices_too(app, make_user):
    user = make_user("field", "a")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    login(laptop, user)
    phone.post("/dang-xuat")
    assert laptop.get("/quan-tri/").status_code == 302


def test_password_change_and_disabling_end_every_session(app, client, make_user):
    admin = make_user("admin")
    user = make_user("manager", "a")
    login(client, user)
    services.set_password(admin, db.session.get(User, user.id), "mot-mat-khau-moi-dai")
    db.session.commit()
    assert client.get("/quan-tri/").status_code == 302

    login(client, user, password="mot-mat-khau-moi-dai")
    assert client.get("/quan-tri/").status_code == 200
    target = db.session.get(User, user.id)
    services.update_user(
        admin,
        target,
        display_name=target.display_name,
        role="manager",
        unit_id=target.unit_id,
        active=False,
    )
    db.session.commit()
    assert client.get("/quan-tri/").status_code == 302


@pytest.mark.parametrize(
    ("idle", "age", "signed_in"), [(0, 0, True), (31, 60, False), (1, 721, False)]
)
def test_idle_timeout_and_absolute_lifetime(client, make_user, idle, age, signed_in):
    login(client, make_user("manager", "a"))
    now = int(time.time())
    with client.session_transaction() as session:
        session["_seen_at"] = now - idle * 60
        session["_login_at"] = now - age * 60
    response = client.get("/quan-tri/")
    assert (response.status_code == 200) is signed_in
    if not signed_in:
        assert "/dang-nhap" in response.headers["Location"]


def test_idle_timeout_is_configurable(make_app, make_user):
    short = make_app(SESSION_IDLE_MINUTES=5)
    client = short.test_client()
    login(client, make_user("manager", "a"))
    with client.session_transaction() as session:
        session["_seen_at"] = int(time.time()) - 6 * 60
    assert client.get("/quan-tri/").status_code == 302


def test_moving_the_second_factor_needs_the_current_code(client, make_user):
    user = make_user("admin")
    login(client, user)
    # Straight to enrolment: sent to the page that asks for the current code first.
    response = client.get("/tai-khoan/xac-thuc-hai-lop")
    assert response.headers["Location"].endswith("/tai-khoan/xac-thuc-hai-lop/quan-ly")
    wrong = client.post(
        "/tai-khoan/xac-thuc-hai-lop/quan-ly", data={"action": "replace", "code": "000000"}
    )
    assert wrong.status_code == 422
    assert client.get("/tai-khoan/xac-thuc-hai-lop").status_code == 302

    code = pyotp.TOTP(user.totp_secret).at(time.time() + 30)  # the login used the current one
    right = client.post(
        "/tai-khoan/xac-thuc-hai-lop/quan-ly", data={"action": "replace", "code": code}
    )
    assert right.headers["Location"].endswith("/tai-khoan/xac-thuc-hai-lop")
    client.get("/tai-khoan/xac-thuc-hai-lop")
    with client.session_transaction() as session:
        secret = session["totp_secret"]
    done = client.post("/tai-khoan/xac-thuc-hai-lop", data={"code": pyotp.TOTP(secret).now()})
    assert "Mã khôi phục của bạn" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    actions = {e.action for e in db.session.query(AuditEntry).filter_by(target_id=str(user.id))}
    assert "user.totp_change" in actions


def test_an_admin_cannot_turn_the_second_factor_off(client, make_user):
    user = make_user("admin")
    login(client, user)
    code = pyotp.TOTP(user.totp_secret).at(time.time() + 30)
    response = client.post(
        "/tai-khoan/xac-thuc-hai-lop/quan-ly", data={"action": "disable", "code": code}
    )
    assert response.status_code == 422  # "disable" is not a choice for an admin
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enabled


def test_changing_ones_password_ends_the_other_sessions_not_this_one(app, make_user):
    user = make_user("manager", "a")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    wrong = here.post(
        "/tai-khoan/mat-khau",
        data={
            "current": "khong-dung-dau",
            "password": "mat-khau-moi-2026",
            "confirm": "mat-khau-moi-2026",
        },
    )
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.text
    done = here.post(
        "/tai-khoan/mat-khau",
        data={"current": PASSWORD, "password": "mat-khau-moi-2026", "confirm": "mat-khau-moi-2026"},
    )
    assert done.status_code == 302
    assert here.get("/quan-tri/").status_code == 200
    assert elsewhere.get("/quan-tri/").status_code == 302
