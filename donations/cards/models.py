"""Card payments (Stripe Checkout), the Stripe events seen, and card reversals."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import stored_text
from app.dbtypes import Money, UTCDateTime, utcnow
from app.extensions import Model
from app.status import Transitions
from donations.models import Donation
from donations.pledges.models import Pledge


class CheckoutStatus(enum.StrEnum):
    """Where a Checkout Session stands; only the webhook moves it past `open`."""

    open = "open"  # created, the donor may be paying
    processing = "processing"  # completed, an asynchronous payment method still settling
    paid = "paid"  # the money is confirmed (one-time) or the subscription started (monthly)
    failed = "failed"  # asynchronous payment failed
    expired = "expired"  # the donor never finished
    cancelled = "cancelled"  # a monthly gift the donor or the fund stopped


# Moves the webhook may make; anything else is refused (events arrive in any order, so a
# late `expired` after `paid` must not undo a payment).
CHECKOUT_TRANSITIONS = Transitions(
    _l("thanh toán thẻ"),
    {
        CheckoutStatus.open: _l("Đang mở"),
        CheckoutStatus.processing: _l("Đang xử lý"),
        CheckoutStatus.paid: _l("Đã thanh toán"),
        CheckoutStatus.failed: _l("Thất bại"),
        CheckoutStatus.expired: _l("Hết hạn"),
        CheckoutStatus.cancelled: _l("Đã dừng"),
    },
    {
        CheckoutStatus.open: {
            CheckoutStatus.processing,
            CheckoutStatus.paid,
            CheckoutStatus.failed,
            CheckoutStatus.expired,
        },
        CheckoutStatus.processing: {CheckoutStatus.paid, CheckoutStatus.failed},
        CheckoutStatus.paid: {CheckoutStatus.cancelled},
        CheckoutStatus.failed: set(),
        CheckoutStatus.expired: set(),
        CheckoutStatus.cancelled: set(),
    },
)


class CardCheckout(Model):
    """One Stripe Checkout Session we created for a pledge."""

    __tablename__ = "card_checkouts"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    mode: Mapped[str] = mapped_column(String(20))  # "payment" or "subscription"
    amount: Mapped[int] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="vnd")
    status: Mapped[CheckoutStatus] = mapped_column(
        Enum(CheckoutStatus, native_enum=False, length=12), default=CheckoutStatus.open, index=True
    )
    url: Mapped[str] = mapped_column(Text, default="")
    # Who asked, for the card-testing controls (bursts per IP and per e-mail).
    client_ip: Mapped[str] = mapped_column(String(64), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pledge: Mapped[Pledge] = relationship()

    def move_to(self, new: CheckoutStatus) -> bool:
        """Apply a legal transition; returns False (and changes nothing) for an illegal one.

        Stripe repeats and reorders events, so the webhook skips a stale move quietly instead
        of failing the event.
        """
        if not CHECKOUT_TRANSITIONS.allows(self.status, new):
            return False
        CHECKOUT_TRANSITIONS.move(self, new)
        if new != CheckoutStatus.processing:
            self.closed_at = utcnow()
        return True


class CardGift(Model):
    """A card donation and every Stripe id that may later name it (refunds, disputes)."""

    __tablename__ = "card_gifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"), unique=True)
    session_id: Mapped[str | None] = mapped_column(String(255), index=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    refunded: Mapped[int] = mapped_column(Money, default=0)
    disputed: Mapped[int] = mapped_column(Money, default=0)
    # Stripe's fee from the charge's balance transaction, posted campaign → fees:stripe.
    # pending (not fetched yet, or Stripe could not be reached) | posted | none (no fee)
    fee_status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    fee: Mapped[int] = mapped_column(Money, default=0)
    fee_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    # What Stripe gave back of the fee on refunds (posted fees:stripe → campaign).
    fee_returned: Mapped[int] = mapped_column(Money, default=0)
    fee_note: Mapped[str] = mapped_column(String(300), default="")

    donation: Mapped[Donation] = relationship()


class CardReversal(Model):
    """Money that went back out for a card gift: a refund, or a dispute (chargeback)."""

    __tablename__ = "card_reversals"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("kind", "stripe_id", name="uq_card_reversals_kind_stripe_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "refund" or "chargeback"
    stripe_id: Mapped[str] = mapped_column(String(255))  # re_… or dp_… (or charge:total)
    gift_id: Mapped[int] = mapped_column(ForeignKey("card_gifts.id"), index=True)
    amount: Mapped[int] = mapped_column(Money)
    # posted | won (dispute won: reversed back) | blocked (campaign balance too low to post)
    status: Mapped[str] = mapped_column(String(20), default="posted")
    ledger_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    reversal_seq: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.seq"))
    # Stripe's ids or dispute reason, or why it is blocked: the Vietnamese text and the message
    # shown in the reader's language (app.stored_text).
    note: Mapped[str] = mapped_column(String(300), default="")
    note_msg: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    gift: Mapped[CardGift] = relationship()

    def set_note(self, text) -> None:
        """Store a note (a lazy translation, or plain text)."""
        self.note = stored_text.vietnamese(text)[:300]
        self.note_msg = stored_text.freeze(text)

    @property
    def note_text(self) -> str:
        """The note in the reader's language."""
        return stored_text.display(self.note_msg, self.note)


class StripeEvent(Model):
    """Each Stripe event id, stored once in the transaction that applied its effect."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    object_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    outcome: Mapped[str] = mapped_column(String(300), default="")
    payload: Mapped[dict] = mapped_column(JSON)
    created: Mapped[int] = mapped_column(Integer, default=0)  # Stripe's unix time
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
