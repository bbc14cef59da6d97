"""Money out of a campaign: purchases and works paid against an invoice, and reallocations.

Each row is the campaign's own record of one proposal (`app.approvals`): whether it waits, was
approved (and posted) or refused is the proposal's status, never a column here.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.approvals.models import Proposal, ProposalStatus
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from campaigns.models import BudgetLine, Campaign


class ExpenseKind(enum.StrEnum):
    """Goods bought (rice, beds, books) or works paid (building, repairs)."""

    purchase = "purchase"
    works = "works"


EXPENSE_KIND_LABELS = {
    ExpenseKind.purchase: _l("Mua sắm"),
    ExpenseKind.works: _l("Công trình, sửa chữa"),
}


class Expense(Model):
    """A payment to a supplier or builder from a campaign, with its invoice."""

    __tablename__ = "campaign_expenses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    budget_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_budget_lines.id"), index=True
    )
    kind: Mapped[ExpenseKind] = mapped_column(Enum(ExpenseKind, native_enum=False, length=12))
    description: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(20), default="")
    invoice_number: Mapped[str] = mapped_column(String(40))
    invoice_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Money)
    # The scan or photo of the invoice: a private file, shown to the back office only.
    invoice_path: Mapped[str] = mapped_column(String(200))
    # A copy with personal details blacked out, which the public may open; never the original.
    public_copy_path: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    campaign: Mapped[Campaign] = relationship()
    budget_line: Mapped[BudgetLine | None] = relationship()

    @property
    def status(self) -> ProposalStatus:
        """The decision on the proposal: waiting, approved (paid), refused or cancelled."""
        return self.proposal.status

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language."""
        return str(EXPENSE_KIND_LABELS[self.kind])


class Reallocation(Model):
    """Money moved from one campaign to another by decision of the board (minutes named)."""

    __tablename__ = "campaign_reallocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("source_id <> target_id", name="two_campaigns"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    # The board's minutes or decision (số biên bản / quyết định), as written on the paper.
    minutes_ref: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    source: Mapped[Campaign] = relationship(foreign_keys=[source_id])
    target: Mapped[Campaign] = relationship(foreign_keys=[target_id])

    @property
    def status(self) -> ProposalStatus:
        """The decision on the proposal."""
        return self.proposal.status
