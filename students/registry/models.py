"""The student registry's records: a child the working group follows and its status timeline."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Commune, School, Unit


def enum_type(cls, length: int = 20):
    """A StrEnum stored as its value in a VARCHAR (the students sub-packages' enum columns)."""
    return Enum(cls, native_enum=False, length=length)


class Gender(enum.StrEnum):
    """As the school records it."""

    female = "female"
    male = "male"
    other = "other"


class Situation(enum.StrEnum):
    """Household situation (several may apply)."""

    poor = "poor"  # hộ nghèo
    near_poor = "near_poor"  # hộ cận nghèo
    orphan = "orphan"  # mồ côi
    disability = "disability"  # khuyết tật
    other = "other"


class StudentStatus(enum.StrEnum):
    """Where the child stands with school."""

    at_risk = "at_risk"
    not_attending = "not_attending"
    dropped_out = "dropped_out"
    returned = "returned"
    graduated = "graduated"
    moved = "moved"


class Student(Model):
    """A child the working group follows. Back-office data only (DESIGN.md §6)."""

    __tablename__ = "students"
    __table_args__ = (
        CheckConstraint("grade >= 1 AND grade <= 12", name="grade_range"),
        CheckConstraint("distance_m >= 0", name="distance_positive"),
        # Duplicate detection: same name (without diacritics/spacing), birth date and school.
        UniqueConstraint("name_key", "birth_date", "school_id", name="uq_students_identity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, 10))
    ethnicity: Mapped[str] = mapped_column(String(40), default="")
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str] = mapped_column(String(20), default="")
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    guardian_name: Mapped[str] = mapped_column(String(120), default="")
    guardian_phone: Mapped[str] = mapped_column(String(20), default="")
    situations: Mapped[list] = mapped_column(JSON, default=list)
    distance_m: Mapped[int] = mapped_column(Integer, default=0)  # metres: 12,5 km is 12500
    absences: Mapped[int] = mapped_column(Integer, default=0)  # days absent this term
    repeated_grade: Mapped[bool] = mapped_column(default=False)
    status: Mapped[StudentStatus] = mapped_column(
        enum_type(StudentStatus), default=StudentStatus.at_risk, index=True
    )
    risk_score: Mapped[int] = mapped_column(Integer, default=0, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    school: Mapped[School] = relationship()
    commune: Mapped[Commune | None] = relationship()
    unit: Mapped[Unit] = relationship()
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="student", order_by="StatusChange.id", cascade="all, delete-orphan"
    )
    # Consent and visits are students.care's models, which build on this one: named by string
    # (resolved when the mappers are configured), so that this module does not import care.
    consents: Mapped[list[Any]] = relationship(
        "Consent", back_populates="student", order_by="Consent.id", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Any]] = relationship(
        "Visit",
        back_populates="student",
        order_by="Visit.visited_on.desc(), Visit.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def account(self) -> str:
        """The ledger account of the support this student received."""
        return f"student:{self.public_id}"

    def age_on(self, day: date) -> int:
        """Whole years of age on `day`."""
        before = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before)


class StatusChange(Model):
    """One dated step of a student's timeline."""

    __tablename__ = "student_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[StudentStatus] = mapped_column(enum_type(StudentStatus))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()
