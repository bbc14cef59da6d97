"""Login, second factor, logout; the account pages are in account_views.py."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app import mail, uow
from app.audit.service import record
from app.auth import limits, recovery, services, sessions
from app.auth.forms import LoginForm, SecondFactorForm
from app.auth.models import User
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)

# A password step older than this must be done again before the code.
PENDING_SECONDS = 300


def _account_key() -> str:
    """Rate-limit key per account: the e-mail typed into the form."""
    return "login:" + (request.form.get("email") or "").strip().lower()


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used to redirect elsewhere."""
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for("backoffice.dashboard")


def _locked_message() -> str:
    return _(
        "Tài khoản tạm khoá vì nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)s phút.",
        n=current_app.config["SECOND_FACTOR_LOCK_MINUTES"],
    )


@bp.route("/dang-nhap", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=["POST"]
)
@uow.transactional
def login():
    """Password step."""
    if current_user.is_authenticated:
        return redirect(url_for("backoffice.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        account = (form.email.data or "").strip().lower()
        if limits.locked(limits.PASSWORD, account):
            flash(
                _(
                    "Quá nhiều lần nhập sai mật khẩu. Vui lòng thử lại sau %(n)s phút, "
                    "hoặc dùng “Quên mật khẩu?”.",
                    n=current_app.config["PASSWORD_LOCK_MINUTES"],
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            limits.fail(limits.PASSWORD, account)
            flash(_("E-mail hoặc mật khẩu không đúng."), "error")
            return render_template("auth/login.html", form=form), 401
        limits.clear(limits.PASSWORD, account)
        session["next"] = _safe_next(request.args.get("next"))
        if user.totp_enabled:
            if limits.locked(limits.SECOND_FACTOR, limits.account_of(user)):
                flash(_locked_message(), "error")
                return render_template("auth/login.html", form=form), 429
            session["pending_user"] = user.id
            session["pending_at"] = int(time.time())
            return redirect(url_for("auth.second_factor"))
        return _finish_login(user)
    return render_template("auth/login.html", form=form)


def _finish_login(user: User):
    session.pop("pending_user", None)
    session.pop("pending_at", None)
    login_user(user)
    sessions.start(user)
    services.note_login(user)  # committed by the view (@uow.transactional)
    if services.needs_totp_enrolment(user):
        return redirect(url_for("account.enrol"))
    return redirect(session.pop("next", None) or url_for("backoffice.dashboard"))


def _pending_user() -> User | None:
    started = session.get("pending_at")
    if not isinstance(started, int) or time.time() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, session.get("pending_user") or 0)
    return user if user is not None and user.active and user.totp_enabled else None


def _lock_pending_login(user: User) -> None:
    """Too many wrong codes: drop the pending login, audit it and tell the user by mail."""
    session.pop("pending_user", None)
    session.pop("pending_at", None)
    record(
        user,
        "user.second_factor_locked",
        user,
        _l("Khoá đăng nhập sau nhiều mã xác thực sai: %(email)s", email=user.email),
    )
    mail.queue(
        mail.Message(
            to=user.email,
            subject=str(_l("Cảnh báo đăng nhập – %(fund)s", fund=current_app.config["FUND_NAME"])),
            text=str(
                _l(
                    "Có người đã nhập đúng mật khẩu của bạn nhưng nhập sai mã xác thực hai lớp "
                    "%(n)s lần. Đăng nhập bị khoá %(m)s phút. Nếu không phải bạn, hãy đổi mật "
                    "khẩu ngay (“Quên mật khẩu?” trên trang đăng nhập) và báo quản trị viên.",
                    n=limits.maximum(limits.SECOND_FACTOR),
                    m=current_app.config["SECOND_FACTOR_LOCK_MINUTES"],
                )
            ),
        )
    )


@bp.route("/dang-nhap/xac-thuc", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
@uow.transactional
def second_factor():
    """The 6-digit code step (or a recovery code) for users with two-factor on."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    account = limits.account_of(user)
    if limits.locked(limits.SECOND_FACTOR, account):
        session.pop("pending_user", None)
        flash(_locked_message(), "error")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data or ""
        if recovery.looks_like_code(code):
            accepted = recovery.use(user, code)
        else:
            accepted = services.use_totp(user, code)
        if accepted:
            limits.clear(limits.SECOND_FACTOR, account)
            return _finish_login(user)
        if limits.fail(limits.SECOND_FACTOR, account) >= limits.maximum(limits.SECOND_FACTOR):
            _lock_pending_login(user)  # committed: the redirect answers below 400
            flash(_locked_message(), "error")
            return redirect(url_for("auth.login"))
        flash(_("Mã xác thực không đúng, đã dùng rồi hoặc đã hết hạn."), "error")
        return render_template("auth/second_factor.html", form=form), 401
    return render_template("auth/second_factor.html", form=form)


@bp.route("/dang-xuat", methods=["POST"])
@uow.transactional
def logout():
    """End every session of the user (POST, so a link cannot log someone out)."""
    if current_user.is_authenticated:
        services.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("web.home"))
