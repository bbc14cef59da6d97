"""Students at risk, their consent, visits, outcomes, and the rounds that support them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import db
from app.units.models import Commune, School, Unit
from campaigns.models import Campaign
from donations.pledges.models import Pledge


def _enum(cls, length: int = 20):
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


class RoundStatus(enum.StrEnum):
    """draft → proposed → approved → completed; proposed → returned → proposed."""

    draft = "draft"
    proposed = "proposed"
    returned = "returned"
    approved = "approved"
    completed = "completed"


class HandoverMethod(enum.StrEnum):
    """How the support reached the family."""

    cash = "cash"
    transfer = "transfer"  # to the guardian's account
    goods = "goods"


class OutcomeStatus(enum.StrEnum):
    """School status at the end of a term."""

    attending = "attending"
    dropped_out = "dropped_out"
    moved = "moved"
    graduated = "graduated"


class Student(db.Model):
    """A child the working group follows. Back-office data only (DESIGN.md §6)."""

    __tablename__ = "students"
    __table_args__ = (
        CheckConstraint("grade >= 1 AND grade <= 12", name="grade_range"),
        CheckConstraint("distance_km >= 0", name="distance_positive"),
        # Duplicate detection: same name (without diacritics/spacing), birth date and school.
        UniqueConstraint("name_key", "birth_date", "school_id", name="uq_students_identity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(_enum(Gender, 10))
    ethnicity: Mapped[str] = mapped_column(String(40), default="")
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    grade: Mapped[int] = mapped_column(Integer)
    class_name: Mapped[str] = mapped_column(String(20), default="")
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    guardian_name: Mapped[str] = mapped_column(String(120), default="")
    guardian_phone: Mapped[str] = mapped_column(String(20), default="")
    situations: Mapped[list] = mapped_column(JSON, default=list)
    distance_km: Mapped[int] = mapped_column(Integer, default=0)
    absences: Mapped[int] = mapped_column(Integer, default=0)  # days absent this term
    repeated_grade: Mapped[bool] = mapped_column(default=False)
    status: Mapped[StudentStatus] = mapped_column(
        _enum(StudentStatus), default=StudentStatus.at_risk, index=True
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
    consents: Mapped[list[Consent]] = relationship(
        back_populates="student", order_by="Consent.id", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Visit]] = relationship(
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


class StatusChange(db.Model):
    """One dated step of a student's timeline."""

    __tablename__ = "student_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[StudentStatus] = mapped_column(_enum(StudentStatus))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(300), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()


class Consent(db.Model):
    """Guardian's (and from age 7 the child's) consent to public output; the latest one counts."""

    __tablename__ = "student_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    guardian_name: Mapped[str] = mapped_column(String(120))
    given_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[ConsentScope] = mapped_column(_enum(ConsentScope, 10))
    child_agreed: Mapped[bool] = mapped_column(default=False)
    scan_path: Mapped[str | None] = mapped_column(String(200))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship(back_populates="consents")


class Visit(db.Model):
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


class RiskWeight(db.Model):
    """Points of one risk rule; an admin edits them."""

    __tablename__ = "student_risk_weights"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Outcome(db.Model):
    """School status of a supported student at the end of a term."""

    __tablename__ = "student_outcomes"
    __table_args__ = (UniqueConstraint("student_id", "term", name="uq_student_outcomes_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    term: Mapped[str] = mapped_column(String(20))  # "2025-2026 HK1"
    status: Mapped[OutcomeStatus] = mapped_column(_enum(OutcomeStatus))
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()


class AllocationRound(db.Model):
    """An "đợt trao": a list of students and what each receives from one campaign."""

    __tablename__ = "allocation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[RoundStatus] = mapped_column(
        _enum(RoundStatus), default=RoundStatus.draft, index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    lines: Mapped[list[AllocationLine]] = relationship(
        back_populates="round", order_by="AllocationLine.id", cascade="all, delete-orphan"
    )
    handovers: Mapped[list[Handover]] = relationship(back_populates="round", order_by="Handover.id")


class AllocationLine(db.Model):
    """One student's share in a round, in one asset."""

    __tablename__ = "allocation_lines"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("round_id", "student_id", "asset", name="uq_allocation_lines_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"))
    amount: Mapped[int] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(200), default="")
    allocation_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"), index=True)
    handover_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))

    round: Mapped[AllocationRound] = relationship(back_populates="lines")
    student: Mapped[Student] = relationship()
    handover: Mapped[Handover | None] = relationship(back_populates="lines")


class Handover(db.Model):
    """A hand-over of (part of) a round's support, with evidence in private storage."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id"), index=True)
    handed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    method: Mapped[HandoverMethod] = mapped_column(_enum(HandoverMethod, 10))
    handed_by: Mapped[str] = mapped_column(String(200))
    signers: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[AllocationRound] = relationship(back_populates="handovers")
    lines: Mapped[list[AllocationLine]] = relationship(back_populates="handover")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="handover", order_by="Evidence.id"
    )


class Evidence(db.Model):
    """A photo or the signed list's scan of a hand-over (a file under PRIVATE_FOLDER)."""

    __tablename__ = "handover_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "photo" or "signed_list"
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    handover: Mapped[Handover] = relationship(back_populates="evidence")


class Sponsorship(db.Model):
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


class TermUpdate(db.Model):
    """A unit's note on a sponsored student's term, sent to the sponsors."""

    __tablename__ = "student_term_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    term: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
