"""Sessions that end: an idle timeout, an absolute lifetime, and ending every session of a user.

Flask's session is a signed cookie; the server-side part is `User.session_version` (checked by
the user loader) plus two times kept in the cookie: when the login happened and when the user
was last seen. A copied cookie therefore stops working after logout (the version moved on),
after the idle timeout and after the absolute lifetime.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth.models import User

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"


def start(user: User) -> None:
    """Mark the session's beginning (call right after login_user)."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def _expired(now: int) -> bool:
    config = current_app.config
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    if now - login_at > int(config["SESSION_MAX_HOURS"]) * 3600:
        return True
    return now - seen_at > int(config["SESSION_IDLE_MINUTES"]) * 60


def init_app(app: Flask) -> None:
    """Check the two clocks before every request of a signed-in user."""

    @app.before_request
    def _session_clocks() -> None:
        if "_user_id" not in session:
            return
        now = int(time.time())
        if _expired(now):
            logout_user()
            for key in (LOGIN_AT, SEEN_AT, "next", "pending_user"):
                session.pop(key, None)
            flash(_("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."), "info")
            return
        # Rewritten at most once a minute: a new cookie on every request is noise.
        if current_user.is_authenticated and now - session[SEEN_AT] >= 60:
            session[SEEN_AT] = now
