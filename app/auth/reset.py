"""Password reset by e-mail: a signed link, valid one hour, that works once.

The token names the user and a fingerprint of their password hash and session version, so it
stops working as soon as the password changes (single use) or the user is signed out
everywhere. Whether the address has an account is never told: the request answers the same,
and the look-up and the mail happen in a job, after the answer.
"""

from __future__ import annotations

import hashlib

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app import mail
from app.audit.service import record
from app.auth import limits, services
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.jobs.queue import job
from app.text import normalize_email

SALT = "password-reset"


class LinkExpired(DomainError):
    """A genuine link, too old."""

    status_code = 410


class LinkInvalid(DomainError):
    """Altered, never ours, or already used."""

    status_code = 404


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    raw = f"{user.password_hash}:{user.session_version}".encode()
    return hashlib.sha256(raw).hexdigest()[:24]


def make_token(user: User) -> str:
    """The signed token of a reset link for this user, as things stand now."""
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_from_token(token: str) -> User:
    """The user a token is for, while it is recent and unused; LinkExpired/LinkInvalid."""
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["PASSWORD_RESET_SECONDS"]))
    except SignatureExpired as err:
        raise LinkExpired(
            _l("Đường dẫn đã hết hạn (hiệu lực 1 giờ). Vui lòng yêu cầu đường dẫn mới.")
        ) from err
    except BadSignature as err:
        raise LinkInvalid(_l("Đường dẫn không hợp lệ hoặc đã được dùng.")) from err
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise LinkInvalid(_l("Đường dẫn không hợp lệ hoặc đã được dùng."))
    return user


def request_reset(raw_email: str) -> None:
    """Queue the look-up and mail; the same work whether the account exists or not."""
    email = normalize_email(raw_email or "")
    if email is None:
        raise DomainError(_l("Địa chỉ e-mail không hợp lệ."), field="email")
    send_reset_link.enqueue(email)


def _site_url(endpoint: str, **values: object) -> str:
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["SITE_URL"].rstrip("/") + adapter.build(endpoint, values)


@job("auth.send_reset_link")
def send_reset_link(email: str) -> None:
    """Mail a reset link to the account with this address, if there is an active one."""
    user = services.find_by_email(email)
    if user is None or not user.active:
        return
    context = {
        "url": _site_url("account.reset_password", token=make_token(user)),
        "fund_name": current_app.config["FUND_NAME"],
        "name": user.display_name,
    }
    mail.queue(
        mail.Message(
            to=user.email,
            subject=str(_l("Đặt lại mật khẩu – %(fund)s", fund=current_app.config["FUND_NAME"])),
            text=render_template("auth/email_password_reset.txt", **context),
        )
    )
    record(None, "user.password_reset_requested", user, _l("Gửi đường dẫn đặt lại mật khẩu"))


def reset_password(token: str, password: str) -> User:
    """Set the new password; the link, and every session of the user, stop working."""
    user = user_from_token(token)
    services.set_password(user, user, password)
    limits.clear(limits.PASSWORD, user.email.lower())
    return user
