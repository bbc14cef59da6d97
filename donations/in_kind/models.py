"""Goods a unit received (rice, bicycles, supply sets)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
