"""Accounts: creation, passwords, authentication and two-factor enrolment."""

from __future__ import annotations

import time

import pyotp
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.service import diff, record
from app.auth.models import Role, User
from app.dbtypes import utcnow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.units.models import Unit

MIN_PASSWORD = 10
# Hash compared against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def normalize_email(email: str) -> str:
    """Validated, lower-cased e-mail, or DomainError."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(_l("Địa chỉ e-mail không hợp lệ."), field="email") from None


def hash_password(password: str) -> str:
    """Werkzeug scrypt hash after a length check."""
    if len(password) < MIN_PASSWORD:
        raise DomainError(_l("Mật khẩu cần ít nhất %(n)s ký tự.", n=MIN_PASSWORD), field="password")
    return generate_password_hash(password, method="scrypt")


def get_unit(unit_id: int | None) -> Unit:
    """The unit with this id, or a clear error."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise NotFound(_l("Đơn vị không tồn tại."), field="unit_id")
    return unit


def find_by_email(email: str) -> User | None:
    """The user with this e-mail, case-insensitively."""
    return db.session.execute(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()


def create_user(
    actor: User | None,
    *,
    email: str,
    display_name: str,
    role: str,
    unit_id: int,
    password: str,
) -> User:
    """A new back-office user; audited."""
    email = normalize_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise DomainError(_l("Vai trò không hợp lệ."), field="role") from None
    unit = get_unit(unit_id)
    if find_by_email(email):
        raise Conflict(_l("Đã có tài khoản với e-mail này."), field="email")
    if not display_name.strip():
        raise DomainError(_l("Vui lòng nhập tên hiển thị."), field="display_name")
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        unit_id=unit.id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(
        actor,
        "user.create",
        user,
        _l(
            "Tạo tài khoản %(email)s (%(role)s, %(unit)s)",
            email=email,
            role=role.value,
            unit=unit.name,
        ),
    )
    return user


def update_user(
    actor: User, user: User, *, display_name: str, role: str, unit_id: int, active: bool
) -> User:
    """Change a user's name, role, unit or activity; audited with the difference."""
    role = Role(role)
    get_unit(unit_id)
    if user.id == actor.id and (not active or role != actor.role):
        raise DomainError(_l("Bạn không thể tự khoá hoặc tự đổi vai trò của mình."))
    fields = {
        "display_name": display_name.strip(),
        "role": role,
        "unit_id": unit_id,
        "active": active,
    }
    changes = diff(user, fields)
    was_active = user.active
    for name, value in fields.items():
        setattr(user, name, value)
    if was_active and not active:
        end_sessions(user)  # a disabled user is signed out everywhere at once
    db.session.flush()
    record(actor, "user.update", user, _l("Sửa tài khoản %(email)s", email=user.email), changes)
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    """Replace a password; audited without the password."""
    user.password_hash = hash_password(password)
    end_sessions(user)  # every session opened with the old password ends
    db.session.flush()
    record(actor, "user.password", user, _l("Đặt lại mật khẩu cho %(email)s", email=user.email))


def check_password(user: User, password: str) -> bool:
    """True when `password` is the user's current one."""
    return check_password_hash(user.password_hash, password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = find_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def note_login(user: User) -> None:
    """Remember the time of a successful login."""
    user.last_login_at = utcnow()
    db.session.flush()
    record(user, "user.login", user, _l("Đăng nhập: %(email)s", email=user.email))


def needs_totp_enrolment(user: User) -> bool:
    """Admins and treasurers must have a second factor before they work."""
    required = current_app.config["TOTP_REQUIRED_ROLES"]
    return user.role.value in required and not user.totp_enabled


def new_totp_secret() -> str:
    """A fresh base32 secret."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// URI that authenticator apps scan."""
    issuer = current_app.config["FUND_SHORT_NAME"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def end_sessions(user: User) -> None:
    """Sign the user out of every session (see app.auth.sessions)."""
    user.session_version = (user.session_version or 1) + 1
    db.session.flush()


def totp_step(secret: str | None, code: str, at: float | None = None) -> int | None:
    """The time step a current code belongs to (one step of clock drift allowed), or None."""
    code = (code or "").replace(" ", "")
    if not secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def check_totp(secret: str | None, code: str) -> bool:
    """True for a current code (one step of clock drift allowed); does not spend it."""
    return totp_step(secret, code) is not None


def use_totp(user: User, code: str) -> bool:
    """True for a current code of the user's app not used before; the code is spent.

    The step is claimed by one UPDATE, so of two workers given the same code one wins.
    """
    step = totp_step(user.totp_secret, code)
    if step is None:
        return False
    claimed = db.session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed == 1:
        user.totp_last_step = step
        return True
    return False


def enable_totp(user: User, secret: str, code: str) -> None:
    """Turn on two-factor login once the user proves the app works."""
    step = totp_step(secret, code)
    if step is None:
        raise DomainError(_l("Mã xác thực không đúng hoặc đã hết hạn."), field="code")
    replacing = user.totp_enabled
    user.totp_secret = secret
    user.totp_enabled = True
    user.totp_last_step = step
    db.session.flush()
    if replacing:
        record(
            user,
            "user.totp_change",
            user,
            _l("Đổi ứng dụng xác thực hai lớp của %(email)s", email=user.email),
        )
    else:
        record(
            user,
            "user.totp_enable",
            user,
            _l("Bật xác thực hai lớp cho %(email)s", email=user.email),
        )


def reset_totp(actor: User, user: User) -> None:
    """An admin clears a lost second factor; the user enrols again at next login."""
    from app.auth import recovery

    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    recovery.discard(user)
    end_sessions(user)
    db.session.flush()
    record(
        actor,
        "user.totp_reset",
        user,
        _l("Đặt lại xác thực hai lớp cho %(email)s", email=user.email),
    )


def disable_totp(user: User) -> None:
    """The user turns the second factor off (only roles that do not require it); audited.

    The caller has checked a current code or a recovery code.
    """
    from app.auth import recovery

    if user.role.value in current_app.config["TOTP_REQUIRED_ROLES"]:
        raise DomainError(_l("Vai trò của bạn bắt buộc có xác thực hai lớp."))
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    recovery.discard(user)
    db.session.flush()
    record(user, "user.totp_disable", user, _l("Tắt xác thực hai lớp: %(email)s", email=user.email))
