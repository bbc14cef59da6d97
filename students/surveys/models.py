"""A unit's survey of one period (mid-term or year-end) of a school year."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model
from app.units.models import Unit
from students.registry.models import Gender, enum_type


class Period(enum.StrEnum):
    """When the survey is taken."""

    mid_term = "mid_term"  # giữa năm (sơ kết)
    year_end = "year_end"  # cuối năm (tổng kết)


class SurveyStatus(enum.StrEnum):
    """A draft the unit fills, then submitted to the province."""

    draft = "draft"
    submitted = "submitted"


class Survey(Model):
    """Counts as the unit submits them: {measure: {dimension: n}}; a reason for each measure
    counted below the registry; causes {cause: n}; students supported and how."""

    __tablename__ = "unit_surveys"
    __table_args__ = (
        UniqueConstraint("unit_id", "school_year", "period", name="uq_unit_surveys_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9), index=True)
    period: Mapped[Period] = mapped_column(enum_type(Period))
    status: Mapped[SurveyStatus] = mapped_column(
        enum_type(SurveyStatus), default=SurveyStatus.draft
    )
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    causes: Mapped[dict] = mapped_column(JSON, default=dict)
    supported: Mapped[int] = mapped_column(Integer, default=0)
    support_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    lines: Mapped[list[SurveyLine]] = relationship(
        back_populates="survey",
        order_by="SurveyLine.measure, SurveyLine.grade, SurveyLine.gender, SurveyLine.ethnic_group",
        cascade="all, delete-orphan",
    )


class SurveyLine(Model):
    """One cell of the survey: students of a measure (out of class, returned, dropped out) in
    a grade, of a gender and an ethnic group. The survey's `counts` are these lines added up
    by dimension, kept so the consolidation and older surveys (without lines) read alike."""

    __tablename__ = "unit_survey_lines"
    __table_args__ = (
        UniqueConstraint(
            "survey_id", "measure", "grade", "gender", "ethnic_group", name="uq_unit_survey_lines"
        ),
        CheckConstraint("grade >= 1 AND grade <= 12", name="grade_range"),
        CheckConstraint("count >= 0", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("unit_surveys.id", ondelete="CASCADE"), index=True
    )
    measure: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int] = mapped_column(Integer)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, 10))
    ethnic_group: Mapped[str] = mapped_column(String(40), default="")  # "" when not recorded
    count: Mapped[int] = mapped_column(Integer, default=0)

    survey: Mapped[Survey] = relationship(back_populates="lines")

    @property
    def key(self) -> tuple[str, int, str, str]:
        """(measure, grade, gender, ethnic group): how lines are matched with the registry."""
        return (self.measure, self.grade, self.gender.value, self.ethnic_group)
