"""Goods a unit received (rice, bicycles, supply sets), its store, purchases and stock-takes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.approvals.models import Proposal
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit
from campaigns.models import Campaign
from donations.models import Donation


class InKindGift(Model):
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


class StockMovement(Model):
    """Goods into or out of a unit's store: the stock of a unit is the sum of its movements.

    Written in the same transaction as the ledger posting it goes with (the chain lock
    serialises them); `key` makes each movement happen once, like a ledger idempotency key.
    """

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_stock_movements_unit_asset", "unit_id", "asset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    # Signed, in the asset's base unit: + in (gift, purchase, surplus), − out (hand-over, loss).
    quantity: Mapped[int] = mapped_column(Money)
    kind: Mapped[str] = mapped_column(
        String(20)
    )  # gift, purchase, handover, adjustment, correction
    key: Mapped[str] = mapped_column(String(120), unique=True)
    ref: Mapped[str] = mapped_column(String(80), default="")
    ledger_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()


class StockPurchase(Model):
    """Goods bought with a campaign's money for a unit's store (a `stock_purchase` proposal)."""

    __tablename__ = "stock_purchases"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    quantity: Mapped[int] = mapped_column(Money)
    amount: Mapped[int] = mapped_column(Money)
    supplier: Mapped[str] = mapped_column(String(200))
    invoice_number: Mapped[str] = mapped_column(String(60))
    invoice_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()


class StockTake(Model):
    """What a unit counted of one asset, against its books; a difference is an adjustment."""

    __tablename__ = "stock_takes"
    __table_args__ = (CheckConstraint("counted >= 0", name="counted_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    counted_on: Mapped[date] = mapped_column(Date)
    counted: Mapped[int] = mapped_column(Money)
    book: Mapped[int] = mapped_column(Money)
    # counted − book: the adjustment proposed (0: the count agreed with the books).
    difference: Mapped[int] = mapped_column(Money)
    # The campaign whose goods the difference belongs to (none when nothing differs).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), unique=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
