"""Receipts of gifts, numbered per year without gaps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from donations.models import Donation


class ReceiptCounter(Model):
    """The last receipt number used in a year (locked while a number is taken)."""

    __tablename__ = "receipt_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Receipt(Model):
    """A receipt for one donation, its details frozen at issue (later edits change nothing)."""

    __tablename__ = "receipts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("year", "seq", name="uq_receipts_year_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 2026-000123
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"), unique=True)
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    donor_name: Mapped[str] = mapped_column(String(200), default="")
    is_business: Mapped[bool] = mapped_column(default=False)
    company_name: Mapped[str] = mapped_column(String(200), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    company_address: Mapped[str] = mapped_column(String(300), default="")
    campaign_title: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(20))  # the Donation's provider
    reference: Mapped[str] = mapped_column(String(120), default="")
    ledger_seq: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A receipt is never deleted: a correction that takes the gift back marks it void.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(300), default="")

    donation: Mapped[Donation] = relationship()
