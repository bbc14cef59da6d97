"""Sponsorships of one named student ("nhận đỡ đầu") and the term updates sent to sponsors."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from donations.pledges.models import Pledge
from students.registry.models import Student


class Sponsorship(Model):
    """A donor who sponsors one named student each month ("nhận đỡ đầu")."""

    __tablename__ = "sponsorships"
    __table_args__ = (
        CheckConstraint("monthly_amount > 0", name="amount_positive"),
        Index("ix_sponsorships_student_active", "student_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    donor_name: Mapped[str] = mapped_column(String(120))
    donor_email: Mapped[str] = mapped_column(String(254))
    monthly_amount: Mapped[int] = mapped_column(Money)
    method: Mapped[str] = mapped_column(String(10))  # "bank" (standing code) or "card"
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"))
    # The sponsor's private link to the updates (never guessable, never listed).
    token: Mapped[str] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    pledge: Mapped[Pledge | None] = relationship()


class TermUpdate(Model):
    """A unit's note on a sponsored student's term, sent to the sponsors."""

    __tablename__ = "student_term_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    term: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
