"""Campaigns (sub-funds) and their goals."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
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
    event = "event"  # sự kiện gây quỹ (chương trình nghệ thuật, chạy bộ từ thiện): no tickets


class CampaignStatus(enum.StrEnum):
    """draft → published → closed → archived."""

    draft = "draft"
    published = "published"
    closed = "closed"
    archived = "archived"


GENERAL_FUND_SLUG = "quy-chung"


class Campaign(Model):
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
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        cascade="all, delete-orphan", order_by="BudgetLine.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        cascade="all, delete-orphan", order_by="Milestone.id"
    )

    @property
    def account(self) -> str:
        """The ledger account that holds this campaign's money and goods."""
        return f"campaign:{self.slug}"

    @property
    def accepts_gifts(self) -> bool:
        """Only published campaigns take new pledges."""
        return self.status == CampaignStatus.published


class CampaignGoal(Model):
    """A target in one asset: đồng, grams of rice, bicycles…"""

    __tablename__ = "campaign_goals"
    __table_args__ = (CheckConstraint("target > 0", name="target_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    target: Mapped[int] = mapped_column(Money)
    label: Mapped[str] = mapped_column(String(120), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="goals")


class CampaignUpdate(Model):
    """A news post on a campaign (progress, a hand-over, a photo of the new boarding house)."""

    __tablename__ = "campaign_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    body_md: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(String(120))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()


class BudgetLine(Model):
    """One line of a works budget (a boarding house: foundation, roof, beds…), in đồng."""

    __tablename__ = "campaign_budget_lines"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(160))
    amount: Mapped[int] = mapped_column(Money)


class Milestone(Model):
    """A step of the works, with its planned date and whether it is done."""

    __tablename__ = "campaign_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    due_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)


class ReferralCode(Model):
    """A `?ref=` code: one per unit (its code), one per personal fundraising page."""

    __tablename__ = "referral_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()


class PageStatus(enum.StrEnum):
    """A personal page waits for its campaign's unit to approve it."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class FundraisingPage(Model):
    """A member's personal page for a campaign: own goal and message, own referral code."""

    __tablename__ = "fundraising_pages"
    __table_args__ = (CheckConstraint("goal > 0", name="goal_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    referral_code_id: Mapped[int] = mapped_column(ForeignKey("referral_codes.id"), unique=True)
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    title: Mapped[str] = mapped_column(String(160))
    message: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int] = mapped_column(Money)
    status: Mapped[PageStatus] = mapped_column(
        Enum(PageStatus, native_enum=False, length=12), default=PageStatus.pending, index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    referral: Mapped[ReferralCode] = relationship()

    @property
    def code(self) -> str:
        """The page's `?ref=` code."""
        return self.referral.code


class ReferralCredit(Model):
    """Money (đồng) a referral link raised for a campaign; once per confirmed donation (key)."""

    __tablename__ = "referral_credits"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    referral_code_id: Mapped[int] = mapped_column(ForeignKey("referral_codes.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[ReferralCode] = relationship()
