"""Back-office users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import BigInteger, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit


class Role(enum.StrEnum):
    """Roles of DESIGN.md §7."""

    admin = "admin"
    manager = "manager"
    treasurer = "treasurer"
    field = "field"
    auditor = "auditor"


ROLE_LABELS = {
    Role.admin: _l("Quản trị (Văn phòng)"),
    Role.manager: _l("Quản lý đơn vị"),
    Role.treasurer: _l("Thủ quỹ / Kế toán"),
    Role.field: _l("Tổ công tác"),
    Role.auditor: _l("Kiểm toán (chỉ xem)"),
}


class User(UserMixin, Model):
    """A person who works in the back office."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by logout, a password change, disabling the user or resetting the second factor:
    # every session carries the version it was opened with and ends when it no longer matches.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # The TOTP time step of the last code accepted: a code is refused once used.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    unit: Mapped[Unit] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def get_id(self) -> str:
        """Flask-Login keeps this in the session: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of the roles."""
        return self.role.value in roles

    @property
    def role_label(self) -> str:
        """The role in words, as the interface shows it."""
        return str(ROLE_LABELS.get(self.role, self.role.value))

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RecoveryCode(Model):
    """A one-time code that stands in for the authenticator app (shown once, stored hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
