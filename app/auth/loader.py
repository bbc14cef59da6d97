"""Flask-Login's user loader."""

from __future__ import annotations

from app.auth.models import User
from app.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, if still active."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
