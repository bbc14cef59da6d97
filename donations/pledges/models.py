"""Pledges: a donor's intent, with a reference code, before money is seen."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.status import Transitions
from campaigns.models import Campaign


class PledgeStatus(enum.StrEnum):
    """What money has been seen for a pledge (DESIGN.md §8)."""

    pending = "pending"
    partial = "partial"
    paid = "paid"
    overpaid = "overpaid"
    expired = "expired"


_MONEY_SEEN = (PledgeStatus.partial, PledgeStatus.paid, PledgeStatus.overpaid)
# The status follows the money (donations.recording.status_for): money is never refused, so a
# late transfer revives an expired pledge, and a refund of everything closes a pledge as
# expired. Once money was seen a pledge never reads "pending" again.
PLEDGE_TRANSITIONS = Transitions(
    _l("cam kết"),
    {
        PledgeStatus.pending: _l("Đang chờ"),
        PledgeStatus.partial: _l("Đã nhận một phần"),
        PledgeStatus.paid: _l("Đã nhận đủ"),
        PledgeStatus.overpaid: _l("Đã nhận nhiều hơn cam kết"),
        PledgeStatus.expired: _l("Hết hạn"),
    },
    {
        PledgeStatus.pending: {*_MONEY_SEEN, PledgeStatus.expired},
        PledgeStatus.partial: {*_MONEY_SEEN, PledgeStatus.expired},
        PledgeStatus.paid: {*_MONEY_SEEN, PledgeStatus.expired},
        PledgeStatus.overpaid: {*_MONEY_SEEN, PledgeStatus.expired},
        PledgeStatus.expired: {*_MONEY_SEEN, PledgeStatus.expired},
    },
)


class PaymentMethod(enum.StrEnum):
    """How the donor chose to give."""

    bank = "bank"
    card = "card"


class Pledge(Model):
    """A donor's intent, with a reference code, before money is seen."""

    __tablename__ = "pledges"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    method: Mapped[PaymentMethod] = mapped_column(Enum(PaymentMethod, native_enum=False, length=10))
    monthly: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PledgeStatus] = mapped_column(
        Enum(PledgeStatus, native_enum=False, length=12), default=PledgeStatus.pending, index=True
    )
    received: Mapped[int] = mapped_column(Money, default=0)
    # What went back to the donor of an overpaid or doubly paid pledge (already out of received).
    refunded: Mapped[int] = mapped_column(Money, default=0)
    donor_name: Mapped[str] = mapped_column(String(120), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    show_on_wall: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    is_business: Mapped[bool] = mapped_column(default=False)
    company_name: Mapped[str] = mapped_column(String(200), default="")
    tax_code: Mapped[str] = mapped_column(String(14), default="")
    company_address: Mapped[str] = mapped_column(String(300), default="")
    ref_code: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()

    @property
    def public_name(self) -> str:
        """The name shown in public: what the donor chose, or anonymous."""
        if self.anonymous:
            return ""
        if self.is_business and self.company_name.strip():
            return self.company_name
        return self.donor_name.strip()
