"""A month of the fund's bank account: the statement's balances and, once closed, the figures."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from donations.bank.models import StatementImport


class MonthStatus(enum.StrEnum):
    """Open while the treasurer works on it; closed once bank and ledger agree."""

    open = "open"
    closed = "closed"


class BankMonth(Model):
    """One calendar month (Vietnam time) of the fund's bank account."""

    __tablename__ = "bank_months"
    __table_args__ = (
        CheckConstraint("month LIKE '____-__'", name="month_shape"),
        CheckConstraint("status <> 'closed' OR difference = 0", name="closed_only_when_balanced"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # "2026-11"
    # As printed on the bank's statement of the month (may be negative: an overdraft).
    opening_balance: Mapped[int | None] = mapped_column(Money)
    closing_balance: Mapped[int | None] = mapped_column(Money)
    statement_import_id: Mapped[int | None] = mapped_column(ForeignKey("statement_imports.id"))
    status: Mapped[MonthStatus] = mapped_column(
        Enum(MonthStatus, native_enum=False, length=8), default=MonthStatus.open
    )
    # Frozen when the month is closed: the ledger's side, the difference (zero), the figures
    # shown on the public page, and the statement file's SHA-256.
    ledger_total: Mapped[int | None] = mapped_column(Money)
    difference: Mapped[int | None] = mapped_column(Money)
    figures: Mapped[dict | None] = mapped_column(JSON)
    statement_sha256: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    statement: Mapped[StatementImport | None] = relationship()

    @property
    def closed(self) -> bool:
        """Whether the month's figures are final."""
        return self.status == MonthStatus.closed
