"""A second factor that cannot be ground (issue 13 item 3): wrong codes per account, used codes
refused, counters shared by workers through Redis, X-Forwarded-For trusted only from the
configured proxies."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest
import redis

from app.audit.models import AuditEntry
from app.extensions import db, limiter
from app.mail_models import OutboxMail
from tests.conftest import PASSWORD, login

REDIS = "redis://127.0.0.1:6379/0"


def _password_step(client, user, password=PASSWORD):
    return client.post("/dang-nhap", data={"email": user.email, "password": password})


def _code(client, code):
    return client.post("/dang-nhap/xac-thuc", data={"code": code})


def test_five_wrong_codes_lock_the_pending_login_and_tell_the_user(client, make_user):
    user = make_user("treasurer")
    _password_step(client, user)
    answers = [_code(client, "000000").status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 302]
    # Locked: even the right code after the right password does not open the account.
    assert _password_step(client, user).status_code == 429
    assert _code(client, pyotp.TOTP(user.totp_secret).now()).status_code == 302
    assert client.get("/quan-tri/").status_code == 302
    mails = db.session.query(OutboxMail).filter_by(to=user.email).all()
    assert len(mails) == 1 and "Cảnh báo đăng nhập" in mails[0].subject
    assert db.session.query(AuditEntry).filter_by(action="user.second_factor_locked").count() == 1


def test_a_used_code_is_refused_in_the_same_window(app, make_user):
    user = make_user("admin")
    code = pyotp.TOTP(user.totp_secret).now()
    first, second = app.test_client(), app.test_client()
    _password_step(first, user)
    assert _code(first, code).status_code == 302
    _password_step(second, user)  # someone who watched the code being typed
    assert _code(second, code).status_code == 401
    assert second.get("/quan-tri/").status_code == 302


def test_a_password_step_too_old_must_be_done_again(client, make_user):
    user = make_user("admin")
    _password_step(client, user)
    with client.session_transaction() as session:
        session["pending_at"] = int(time.time()) - 600
    response = _code(client, pyotp.TOTP(user.totp_secret).now())
    assert response.headers["Location"].endswith("/dang-nhap")


@pytest.fixture
def workers(make_app):
    """Two app instances (two gunicorn workers) whose counters live in the same Redis."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = {"SECURITY_STORAGE_URI": REDIS, "SECURITY_STORAGE_PREFIX": prefix}
    apps = make_app(**settings), make_app(**settings)
    yield apps
    server = redis.Redis.from_url(REDIS)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def _on(app, cookie_from):
    """A client of `app` carrying the session cookie of another worker's client."""
    client = app.test_client()
    client.set_cookie("session", cookie_from.get_cookie("session").value)
    return client


def test_two_workers_share_the_wrong_code_count(workers, make_user):
    one, two = workers
    user = make_user("admin")
    a = one.test_client()
    _password_step(a, user)
    b = _on(two, a)
    # The load balancer alternates: neither worker alone saw five failures.
    answers = [_code(a if i % 2 else b, "111111").status_code for i in range(5)]
    assert answers[-1] == 302
    again = one.test_client()
    assert _password_step(again, user).status_code == 429
    assert _password_step(two.test_client(), user).status_code == 429


def test_two_workers_share_the_wrong_password_count(workers, make_user):
    one, two = workers
    user = make_user("manager", "a")
    for i in range(10):
        client = (one if i % 2 else two).test_client()
        assert _password_step(client, user, "sai-mat-khau-" + str(i)).status_code == 401
    assert _password_step(one.test_client(), user).status_code == 429
    assert _password_step(two.test_client(), user).status_code == 429


def test_memory_counters_are_per_worker_which_is_why_production_uses_redis(make_app, make_user):
    """The control: without shared storage each worker counts alone."""
    one = make_app(SECURITY_STORAGE_URI="memory://")
    two = make_app(SECURITY_STORAGE_URI="memory://")
    user = make_user("manager", "a")
    for _ in range(10):
        _password_step(one.test_client(), user, "sai-mat-khau")
    assert _password_step(one.test_client(), user).status_code == 429
    assert _password_step(two.test_client(), user).status_code == 302


@pytest.fixture
def behind_proxy(make_app):
    """Rate limits on, one trusted proxy (nginx) in front."""
    other = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        TRUSTED_PROXIES=1,
        LOGIN_LIMIT_PER_IP="3 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="100 per minute",
    )
    limiter.reset()
    yield other
    limiter.reset()
    limiter.enabled = False


def test_rotating_x_forwarded_for_does_not_reset_the_ip_limit(behind_proxy, units):
    client = behind_proxy.test_client()
    answers = []
    for i in range(4):
        # The client invents the first hops; nginx appends the address it really saw.
        header = f"10.0.0.{i}, 198.51.100.{i}, 203.0.113.7"
        response = client.post(
            "/dang-nhap",
            data={"email": f"nguoi{i}@example.com", "password": "x"},
            headers={"X-Forwarded-For": header},
        )
        answers.append(response.status_code)
    assert answers == [401, 401, 401, 429]
    # Another real client (another address seen by nginx) is not blocked.
    other = client.post(
        "/dang-nhap",
        data={"email": "khac@example.com", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.8"},
    )
    assert other.status_code == 401


def test_without_a_trusted_proxy_the_header_is_ignored(rate_limited_app, units):
    rate_limited_app.config["LOGIN_LIMIT_PER_IP"] = "2 per minute"
    client = rate_limited_app.test_client()
    answers = [
        client.post(
            "/dang-nhap",
            data={"email": f"n{i}@example.com", "password": "x"},
            headers={"X-Forwarded-For": f"192.0.2.{i}"},
        ).status_code
        for i in range(3)
    ]
    assert answers == [401, 401, 429]


def test_login_helper_still_works_twice_in_a_window(app, make_user):
    """The test helper's second login uses the next step's code (the app allows one step)."""
    user = make_user("admin")
    assert login(app.test_client(), user).status_code == 302
    assert login(app.test_client(), user).status_code == 302
