"""An activity a unit holds: what, when, where, who took part, students reached, the campaign
that collected what it raised (the money itself is in the ledger, under that campaign)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit
from campaigns.models import Campaign
from students.registry.models import enum_type


class ActivityKind(enum.StrEnum):
    """Kinds the union's plan names."""

    charity_class = "charity_class"  # lớp học tình thương
    summer_review = "summer_review"  # lớp ôn tập hè
    art_programme = "art_programme"  # chương trình nghệ thuật gây quỹ
    encouragement = "encouragement"  # gặp mặt, động viên học sinh
    drive = "drive"  # đợt vận động (sau hè, trước Tết)
    other = "other"


# Groups whose participants are counted.
PARTICIPANT_GROUPS = ("members", "teachers", "volunteers", "parents", "students")


class Activity(Model):
    """One activity of a unit."""

    __tablename__ = "unit_activities"
    __table_args__ = (CheckConstraint("students_reached >= 0", name="reached_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_type(ActivityKind))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    organisers: Mapped[str] = mapped_column(String(300), default="")
    participants: Mapped[dict] = mapped_column(JSON, default=dict)  # group → count
    students_reached: Mapped[int] = mapped_column(Integer, default=0)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign | None] = relationship()

    @property
    def participant_total(self) -> int:
        """Everyone counted, all groups together."""
        return sum(int(v) for v in (self.participants or {}).values())
