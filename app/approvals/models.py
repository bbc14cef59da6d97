"""Proposals of money going out, waiting for a second person's decision."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.status import Transitions
from app.units.models import Unit


class ProposalStatus(enum.StrEnum):
    """proposed → approved (posted) | refused | cancelled (by the proposer)."""

    proposed = "proposed"
    approved = "approved"
    refused = "refused"
    cancelled = "cancelled"


PROPOSAL_LABELS = {
    ProposalStatus.proposed: _l("Chờ duyệt"),
    ProposalStatus.approved: _l("Đã duyệt"),
    ProposalStatus.refused: _l("Bị từ chối"),
    ProposalStatus.cancelled: _l("Đã huỷ"),
}
PROPOSAL_TRANSITIONS = Transitions(
    _l("đề xuất"),
    PROPOSAL_LABELS,
    {
        ProposalStatus.proposed: (
            ProposalStatus.approved,
            ProposalStatus.refused,
            ProposalStatus.cancelled,
        ),
        ProposalStatus.approved: (),
        ProposalStatus.refused: (),
        ProposalStatus.cancelled: (),
    },
)


class Proposal(Model):
    """One proposed movement of money or goods out of an account, and its decision."""

    __tablename__ = "proposals"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # The ledger account that pays (checked for its balance at approval), and how much.
    source: Mapped[str] = mapped_column(String(80))
    asset: Mapped[str] = mapped_column(ForeignKey("assets.code"), default="VND")
    amount: Mapped[int] = mapped_column(Money)
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    # The label the ledger entries carry in the public statement.
    public_label: Mapped[str] = mapped_column(String(200), default="")
    # What the kind needs to act (ids, supplier, invoice…); its own tables hold the rest.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(ProposalStatus, native_enum=False, length=12),
        default=ProposalStatus.proposed,
        index=True,
    )
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The seqs of the ledger entries the approval posted.
    ledger_seqs: Mapped[list] = mapped_column(JSON, default=list)

    unit: Mapped[Unit] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        """The status in the reader's language."""
        return str(PROPOSAL_LABELS[self.status])
