"""Allocation rounds ("đợt trao"): their lines, hand-overs and the hand-overs' evidence."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.status import Transitions
from app.units.models import Unit
from campaigns.models import Campaign
from students.registry.models import Student, enum_type


class RoundStatus(enum.StrEnum):
    """draft → proposed → approved → completed; proposed → returned → proposed."""

    draft = "draft"
    proposed = "proposed"
    returned = "returned"
    approved = "approved"
    completed = "completed"


ROUND_TRANSITIONS = Transitions(
    _l("đợt trao"),
    {
        RoundStatus.draft: _l("Đang soạn"),
        RoundStatus.proposed: _l("Chờ duyệt"),
        RoundStatus.returned: _l("Bị trả lại"),
        RoundStatus.approved: _l("Đã duyệt, chờ trao"),
        RoundStatus.completed: _l("Đã trao xong"),
    },
    {
        RoundStatus.draft: {RoundStatus.proposed},
        RoundStatus.proposed: {RoundStatus.approved, RoundStatus.returned},
        RoundStatus.returned: {RoundStatus.proposed},
        # Hand-overs may come in several visits; the last one completes the round.
        RoundStatus.approved: {RoundStatus.completed},
        # A hand-over reversed by an approved correction (never one signed for) reopens it.
        RoundStatus.completed: {RoundStatus.approved},
    },
)


class HandoverMethod(enum.StrEnum):
    """How the support reached the family."""

    cash = "cash"
    transfer = "transfer"  # to the guardian's account
    goods = "goods"


class AllocationRound(Model):
    """An "đợt trao": a list of students and what each receives from one campaign."""

    __tablename__ = "allocation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[RoundStatus] = mapped_column(
        enum_type(RoundStatus), default=RoundStatus.draft, index=True
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


class AllocationLine(Model):
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
    # How often a correction took its hand-over back: part of the next hand-over's ledger key.
    handover_attempt: Mapped[int] = mapped_column(default=0)

    round: Mapped[AllocationRound] = relationship(back_populates="lines")
    student: Mapped[Student] = relationship()
    handover: Mapped[Handover | None] = relationship(back_populates="lines")


class Handover(Model):
    """A hand-over of (part of) a round's support, with evidence in private storage."""

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id"), index=True)
    handed_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    method: Mapped[HandoverMethod] = mapped_column(enum_type(HandoverMethod, 10))
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


class Evidence(Model):
    """A photo or the signed list's scan of a hand-over (a file under PRIVATE_FOLDER)."""

    __tablename__ = "handover_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "photo" or "signed_list"
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    handover: Mapped[Handover] = relationship(back_populates="evidence")
