"""Recovery codes: one-time stand-ins for the authenticator app.

Ten codes are made at enrolment and shown once; only their SHA-256 is stored (each carries 80
random bits, so a slow hash adds nothing). A code works once.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from app.audit.service import record
from app.auth.models import RecoveryCode, User
from app.dbtypes import utcnow
from app.extensions import db

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_SHAPE = re.compile(r"^[a-z0-9]{16}$")


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def normalize(text: str) -> str:
    """The code as stored: lower case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", (text or "").lower())


def looks_like_code(text: str) -> bool:
    """True when the text has a recovery code's shape (not a 6-digit TOTP)."""
    return bool(_SHAPE.match(normalize(text)))


def discard(user: User) -> None:
    """Remove every code of the user (the second factor was reset or turned off)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def generate(user: User) -> list[str]:
    """Replace the user's codes with new ones; the plain codes, to show once."""
    discard(user)
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(16)) for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    db.session.flush()
    return ["-".join(c[i : i + 4] for i in range(0, 16, 4)) for c in codes]


def remaining(user: User) -> int:
    """Unused codes left."""
    return len(
        db.session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def use(user: User, text: str) -> bool:
    """Spend a code: True once, for a code of this user not used before (race-safe)."""
    code = normalize(text)
    if not _SHAPE.match(code):
        return False
    spent = db.session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        return False
    record(
        user,
        "user.recovery_code_used",
        user,
        _l("Dùng một mã khôi phục: %(email)s", email=user.email),
    )
    return True
