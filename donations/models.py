"""The donation record that every rail (bank, card, in-kind) writes; shared by the sub-packages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from campaigns.models import Campaign

if TYPE_CHECKING:  # the pledge sub-package builds on this record, not the other way round
    from donations.pledges.models import Pledge


class Donation(Model):
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
    # Indexed: the statement index finds a chunk of entries' bank references through it.
    ledger_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"), index=True)
    # Set when an approved correction reversed the entry: the gift no longer counts.
    reversal_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledge: Mapped[Pledge | None] = relationship("Pledge")
    campaign: Mapped[Campaign] = relationship()
