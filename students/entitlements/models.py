"""Kinds of state entitlement (data, with their legal basis) and a student's record per year."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit
from students.registry.models import Student, enum_type


class Category(enum.StrEnum):
    """What the entitlement gives."""

    tuition_exemption = "tuition_exemption"  # miễn học phí
    tuition_reduction = "tuition_reduction"  # giảm học phí
    learning_cost = "learning_cost"  # hỗ trợ chi phí học tập
    boarding = "boarding"  # hỗ trợ bán trú / nội trú
    other = "other"


class EntitlementKind(Model):
    """An entitlement as the law in force names it; an admin edits it when the rules change.

    `situations` (household situations) and `minority_communes` (ids of communes where an
    ethnic-minority child qualifies) say who appears eligible, for the follow-up list.
    """

    __tablename__ = "entitlement_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    legal_basis: Mapped[str] = mapped_column(String(300))
    situations: Mapped[list] = mapped_column(JSON, default=list)
    minority_communes: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Entitlement(Model):
    """One entitlement of a student in a school year, and whether the school confirms it."""

    __tablename__ = "student_entitlements"
    __table_args__ = (
        UniqueConstraint("student_id", "kind_id", "school_year", name="uq_student_entitlements"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    kind_id: Mapped[int] = mapped_column(ForeignKey("entitlement_kinds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9), index=True)
    received: Mapped[bool] = mapped_column(default=False)
    confirmed_on: Mapped[date | None] = mapped_column(Date)  # the school's confirmation
    confirmed_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    student: Mapped[Student] = relationship()
    kind: Mapped[EntitlementKind] = relationship()
    unit: Mapped[Unit] = relationship()
