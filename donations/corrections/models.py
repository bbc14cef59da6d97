"""Corrections of entries (reversals proposed and approved) and handled overpayments."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.approvals.models import Proposal
from app.auth.models import User
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.ledger.models import LedgerEntry
from donations.bank.models import BankTransaction
from donations.models import Donation
from donations.pledges.models import Pledge


class Correction(Model):
    """A proposed reversal of one ledger entry; the proposal holds its decision."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), unique=True)
    entry_seq: Mapped[int] = mapped_column(ForeignKey("ledger_entries.seq"), index=True)
    # The gift and the bank transfer the entry recorded, when it recorded one.
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    bank_tx_id: Mapped[int | None] = mapped_column(ForeignKey("bank_transactions.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    reversal_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    entry: Mapped[LedgerEntry] = relationship(foreign_keys=[entry_seq])
    donation: Mapped[Donation | None] = relationship()
    bank_tx: Mapped[BankTransaction | None] = relationship()


class OverpaymentAction(enum.StrEnum):
    """What the treasurer did with money paid beyond a pledge."""

    kept = "kept"  # kept for the campaign (the donor may be thanked)
    refund = "refund"  # sent back to the donor (a `refund` proposal)


OVERPAYMENT_LABELS = {
    OverpaymentAction.kept: _l("Giữ lại cho chiến dịch"),
    OverpaymentAction.refund: _l("Hoàn lại cho người chuyển"),
}


class Overpayment(Model):
    """One decision about the excess of an overpaid or doubly paid pledge."""

    __tablename__ = "overpayments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(Money)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), unique=True)
    # The bank's reference of the outgoing transfer that sent a refund back.
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    thanked: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledge: Mapped[Pledge] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def action_label(self) -> str:
        """The decision in the reader's language."""
        return str(OVERPAYMENT_LABELS[OverpaymentAction(self.action)])
