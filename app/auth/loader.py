"""Flask-Login's user loader: the session names a user and the session version it began with."""

from __future__ import annotations

from app.auth.models import User
from app.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, if still active and the session still current.

    The session holds "id:version"; logout, a password change or disabling the user bumps the
    version, so every copy of an older cookie (another device, a stolen one) is signed out.
    """
    ident, _, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit() or len(ident) > 18 or len(version) > 18:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
