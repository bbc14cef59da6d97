"""A peer-support pair (or small group) of one school year and its result each term."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import School, Unit
from students.registry.models import Student, enum_type


class PeerModel(enum.StrEnum):
    """The model of peer support the school runs."""

    study = "study"  # Đôi bạn cùng tiến
    to_school = "to_school"  # Giúp bạn đến trường
    other = "other"


class PeerPair(Model):
    """A supported student and the classmates who help them, for one school year.

    Helpers are children too: only their first name and class are kept (DESIGN.md §6).
    """

    __tablename__ = "student_peer_pairs"
    __table_args__ = (
        UniqueConstraint("student_id", "school_year", "model", name="uq_student_peer_pairs"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9), index=True)  # "2026-2027"
    model: Mapped[PeerModel] = mapped_column(enum_type(PeerModel))
    model_note: Mapped[str] = mapped_column(String(120), default="")
    helpers: Mapped[list] = mapped_column(JSON, default=list)  # [{"name": "An", "class": "7A"}]
    follower: Mapped[str] = mapped_column(String(120))
    started_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    school: Mapped[School] = relationship()
    unit: Mapped[Unit] = relationship()
    results: Mapped[list[PeerResult]] = relationship(
        back_populates="pair", order_by="PeerResult.term", cascade="all, delete-orphan"
    )

    @property
    def helper_text(self) -> str:
        """ "An (7A), Bình (7A)"."""
        return ", ".join(f"{h['name']} ({h['class']})" for h in self.helpers)


class PeerResult(Model):
    """How the supported student did in one term while the pair ran."""

    __tablename__ = "student_peer_results"
    __table_args__ = (UniqueConstraint("pair_id", "term", name="uq_student_peer_results_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("student_peer_pairs.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(String(3))  # HK1 | HK2
    days_absent: Mapped[int] = mapped_column(Integer, default=0)
    grades_improved: Mapped[bool] = mapped_column(default=False)
    still_in_school: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pair: Mapped[PeerPair] = relationship(back_populates="results")

    @property
    def succeeded(self) -> bool:
        """Still in school and doing better: what the report and commendation count."""
        return self.still_in_school and self.grades_improved
