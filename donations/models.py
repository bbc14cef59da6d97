"""Pledges and donations (the skeleton the donations parts share; extended by them)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import db
from app.units.models import Unit
from campaigns.models import Campaign


class PledgeStatus(enum.StrEnum):
    """What money has been seen for a pledge (DESIGN.md §8)."""

    pending = "pending"
    partial = "partial"
    paid = "paid"
    overpaid = "overpaid"
    expired = "expired"


class PaymentMethod(enum.StrEnum):
    """How the donor chose to give."""

    bank = "bank"
    card = "card"


class Pledge(db.Model):
    """A donor's intent, with a reference code, before money is seen."""

    __tablename__ = "pledges"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    method: Mapped[PaymentMethod] = mapped_column(Enum(PaymentMethod, native_enum=False, length=10))
    monthly: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PledgeStatus] = mapped_column(
        Enum(PledgeStatus, native_enum=False, length=12), default=PledgeStatus.pending, index=True
    )
    received: Mapped[int] = mapped_column(Money, default=0)
    donor_name: Mapped[str] = mapped_column(String(120), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    show_on_wall: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    is_business: Mapped[bool] = mapped_column(default=False)
    company_name: Mapped[str] = mapped_column(String(200), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    company_address: Mapped[str] = mapped_column(String(300), default="")
    ref_code: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()

    @property
    def public_name(self) -> str:
        """The name shown in public: what the donor chose, or anonymous."""
        if self.anonymous or not self.donor_name.strip():
            return ""
        return self.company_name if self.is_business and self.company_name else self.donor_name


class Donation(db.Model):
    """Money (or goods) actually received, with the ledger entry that records it."""

    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("provider", "provider_ref", name="uq_donations_provider_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"), default="VND")
    amount: Mapped[int] = mapped_column(Money)
    # Where it came from: "sepay", "casso", "statement", "stripe", "manual", "in_kind".
    provider: Mapped[str] = mapped_column(String(20))
    provider_ref: Mapped[str] = mapped_column(String(120))
    ledger_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledge: Mapped[Pledge | None] = relationship()
    campaign: Mapped[Campaign] = relationship()


class TxStatus(enum.StrEnum):
    """What became of one bank transaction."""

    matched = "matched"  # a donation was recorded for it
    review = "review"  # money in, no usable code: a treasurer decides
    assigned = "assigned"  # a treasurer assigned it from the review queue
    not_donation = "not_donation"  # a treasurer said it is not a donation (with a reason)
    ignored = "ignored"  # not counted: money out, or another account than the fund's
    duplicate = "duplicate"  # the same transfer already reported by another channel


class BankTransaction(db.Model):
    """One bank transaction as a provider (SePay, Casso) or a statement reported it."""

    __tablename__ = "bank_transactions"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        UniqueConstraint("provider", "provider_id", name="uq_bank_transactions_provider_id"),
        Index("ix_bank_transactions_twin", "dedupe_key", "provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "sepay", "casso" or "statement"; provider_id is that provider's transaction id (for a
    # statement, a fingerprint of the row: stable when the same file is imported again).
    provider: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str] = mapped_column(String(120))
    direction: Mapped[str] = mapped_column(String(3), default="in")  # "in" or "out"
    account_number: Mapped[str] = mapped_column(String(40), default="")
    amount: Mapped[int] = mapped_column(Money)
    memo: Mapped[str] = mapped_column(Text, default="")
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "<account>|<local date>|<amount>": where a webhook row and a statement row meet.
    dedupe_key: Mapped[str] = mapped_column(String(80))
    # Set on a webhook row once a statement row was recognised as the same transfer.
    twin_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[TxStatus] = mapped_column(
        Enum(TxStatus, native_enum=False, length=14), index=True
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("statement_imports.id"), index=True)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pledge: Mapped[Pledge | None] = relationship()
    donation: Mapped[Donation | None] = relationship()


class StatementImport(db.Model):
    """One committed statement file: who imported it and what it added."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rows: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    to_review: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    amount_added: Mapped[int] = mapped_column(Money, default=0)
    # Skipped rows with their reasons (capped; the count above is exact).
    problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InKindGift(db.Model):
    """Goods a unit received (rice, bicycles, supply sets), posted in their own asset."""

    __tablename__ = "in_kind_gifts"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("estimated_value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    quantity: Mapped[int] = mapped_column(Money)
    estimated_value: Mapped[int] = mapped_column(Money, default=0)
    donor_name: Mapped[str] = mapped_column(String(160), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    donation: Mapped[Donation | None] = relationship()
