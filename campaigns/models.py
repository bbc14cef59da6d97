"""Campaigns (sub-funds) and their goals."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import db
from app.units.models import Unit


class CampaignKind(enum.StrEnum):
    """Kinds of DESIGN.md §2."""

    scholarship = "scholarship"  # học bổng
    rice_jar = "rice_jar"  # Hũ gạo tiếp sức đến trường
    boarding_house = "boarding_house"  # Nhà bán trú cho em
    transport = "transport"  # phương tiện đến trường
    school_supplies = "school_supplies"  # dụng cụ học tập
    classroom_repair = "classroom_repair"
    general = "general"  # quỹ chung


class CampaignStatus(enum.StrEnum):
    """draft → published → closed → archived."""

    draft = "draft"
    published = "published"
    closed = "closed"
    archived = "archived"


GENERAL_FUND_SLUG = "quy-chung"


class Campaign(db.Model):
    """A public fundraising campaign; its money lives in ledger account campaign:<slug>."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(300), default="")
    story_md: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CampaignKind] = mapped_column(Enum(CampaignKind, native_enum=False, length=30))
    status: Mapped[CampaignStatus] = mapped_column(
        Enum(CampaignStatus, native_enum=False, length=20), default=CampaignStatus.draft, index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    featured: Mapped[bool] = mapped_column(default=False)
    cover_image: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    goals: Mapped[list[CampaignGoal]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignGoal.id"
    )

    @property
    def account(self) -> str:
        """The ledger account that holds this campaign's money and goods."""
        return f"campaign:{self.slug}"

    @property
    def accepts_gifts(self) -> bool:
        """Only published campaigns take new pledges."""
        return self.status == CampaignStatus.published


class CampaignGoal(db.Model):
    """A target in one asset: đồng, grams of rice, bicycles…"""

    __tablename__ = "campaign_goals"
    __table_args__ = (CheckConstraint("target > 0", name="target_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    target: Mapped[int] = mapped_column(Money)
    label: Mapped[str] = mapped_column(String(120), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="goals")
