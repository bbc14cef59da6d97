"""Care of a student: consent to public output, household visits, risk weights, term outcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from students.registry.models import Student, enum_type


class ConsentScope(enum.StrEnum):
    """What may be shown publicly."""

    none = "none"  # nothing
    basic = "basic"  # initials + grade + school + commune
    named = "named"  # also first name and photo


class Cause(enum.StrEnum):
    """Causes found on a household visit."""

    economic = "economic"
    distance = "distance"
    family = "family"
    health = "health"
    learning = "learning"
    work = "work"  # work or migration
    marriage = "marriage"  # early marriage
    other = "other"


class OutcomeStatus(enum.StrEnum):
    """School status at the end of a term."""

    attending = "attending"
    dropped_out = "dropped_out"
    moved = "moved"
    graduated = "graduated"


class Consent(Model):
    """Guardian's (and from age 7 the child's) consent to public output; the latest one counts."""

    __tablename__ = "student_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    guardian_name: Mapped[str] = mapped_column(String(120))
    given_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[ConsentScope] = mapped_column(enum_type(ConsentScope, 10))
    child_agreed: Mapped[bool] = mapped_column(default=False)
    scan_path: Mapped[str | None] = mapped_column(String(200))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="consents")


class Visit(Model):
    """A household visit by the working group."""

    __tablename__ = "student_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[date] = mapped_column(Date)
    visitors: Mapped[str] = mapped_column(String(300))
    met: Mapped[str] = mapped_column(String(300), default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    causes: Mapped[list] = mapped_column(JSON, default=list)
    family_wishes: Mapped[str] = mapped_column(Text, default="")
    child_wishes: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    next_visit_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="visits")


class RiskWeight(Model):
    """Points of one risk rule; an admin edits them."""

    __tablename__ = "student_risk_weights"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Outcome(Model):
    """School status of a supported student at the end of a term."""

    __tablename__ = "student_outcomes"
    __table_args__ = (UniqueConstraint("student_id", "term", name="uq_student_outcomes_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(String(20))  # "2025-2026 HK1"
    status: Mapped[OutcomeStatus] = mapped_column(enum_type(OutcomeStatus))
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
