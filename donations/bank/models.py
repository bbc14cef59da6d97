"""Bank transactions as notifications and statements report them, and statement imports."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
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


class TxStatus(enum.StrEnum):
    """What became of one bank transaction."""

    new = "new"  # just received, not settled yet (settled before it is first stored)
    matched = "matched"  # a donation was recorded for it
    review = "review"  # money in, no usable code: a treasurer decides
    assigned = "assigned"  # a treasurer assigned it from the review queue
    not_donation = "not_donation"  # a treasurer said it is not a donation (with a reason)
    ignored = "ignored"  # not counted: money out, or another account than the fund's
    duplicate = "duplicate"  # the same transfer already reported by another channel


# Matching settles a new row at once; only the review queue moves it again, and only once,
# unless an approved correction takes the donation back: then it waits in the queue again.
TX_TRANSITIONS = Transitions(
    _l("giao dịch"),
    {
        TxStatus.new: _l("Mới nhận"),
        TxStatus.matched: _l("Đã khớp"),
        TxStatus.review: _l("Chờ xử lý"),
        TxStatus.assigned: _l("Đã gán"),
        TxStatus.not_donation: _l("Không phải ủng hộ"),
        TxStatus.ignored: _l("Không tính"),
        TxStatus.duplicate: _l("Trùng"),
    },
    {
        TxStatus.new: {TxStatus.matched, TxStatus.review, TxStatus.ignored, TxStatus.duplicate},
        # A treasurer may also decide that a waiting report is another channel's report of a
        # transfer already received (an uncertain twin): it then stays as evidence only.
        TxStatus.review: {TxStatus.assigned, TxStatus.not_donation, TxStatus.duplicate},
        TxStatus.matched: {TxStatus.review},
        TxStatus.assigned: {TxStatus.review},
        TxStatus.not_donation: set(),
        TxStatus.ignored: set(),
        TxStatus.duplicate: set(),
    },
)


class BankTransaction(Model):
    """One bank transaction as a provider (SePay, Casso) or a statement reported it."""

    __tablename__ = "bank_transactions"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        UniqueConstraint("provider", "provider_id", name="uq_bank_transactions_provider_id"),
        Index("ix_bank_transactions_twin", "dedupe_key", "provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "sepay", "casso" or "statement"; provider_id is that provider's transaction id (for a
    # statement, a fingerprint of the row: stable when the same file is imported again).
    provider: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str] = mapped_column(String(120))
    direction: Mapped[str] = mapped_column(String(3), default="in")  # "in" or "out"
    account_number: Mapped[str] = mapped_column(String(40), default="")
    amount: Mapped[int] = mapped_column(Money)
    memo: Mapped[str] = mapped_column(Text, default="")
    bank_reference: Mapped[str] = mapped_column(String(120), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # "<account>|<local date>|<amount>": where a webhook row and a statement row meet.
    dedupe_key: Mapped[str] = mapped_column(String(80))
    # Legacy (before twin_of_id): set on a webhook row and its statement twin, one pair only.
    twin_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # One transfer, one credit (donations/bank/twins.py): a report of a transfer that another
    # channel reported first is kept as evidence on that first row (status duplicate) ...
    twin_of_id: Mapped[int | None] = mapped_column(ForeignKey("bank_transactions.id"), index=True)
    # ... and one that may or may not be the same transfer waits in review beside it.
    maybe_twin_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_transactions.id"), index=True
    )
    status: Mapped[TxStatus] = mapped_column(
        Enum(TxStatus, native_enum=False, length=14), index=True
    )
    # Why it stands where it stands: the Vietnamese text, and the message to translate on display.
    note: Mapped[str] = mapped_column(String(300), default="")
    note_msg: Mapped[dict | None] = mapped_column(JSON)
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("statement_imports.id"), index=True)
    raw: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many approved corrections sent it back to the queue: the next donation recorded for
    # it needs keys of its own (the reversed one keeps the first).
    reassigned: Mapped[int] = mapped_column(default=0)

    pledge: Mapped[Pledge | None] = relationship()
    donation: Mapped[Donation | None] = relationship()
    twin_of: Mapped[BankTransaction | None] = relationship(
        remote_side=[id], foreign_keys=[twin_of_id]
    )
    maybe_twin_of: Mapped[BankTransaction | None] = relationship(
        remote_side=[id], foreign_keys=[maybe_twin_of_id]
    )

    def set_note(self, text) -> None:
        """Store a note (a lazy translation, or text a person typed)."""
        self.note = stored_text.vietnamese(text)[:300]
        self.note_msg = stored_text.freeze(text)

    @property
    def note_text(self) -> str:
        """The note in the reader's language."""
        return stored_text.display(self.note_msg, self.note)

    def donation_keys(self) -> tuple[str, str]:
        """(provider_ref, ledger key) of the donation that counts it: the same each time it is
        settled, new after a correction sent it back to the queue (the reversed gift keeps
        the old ones)."""
        base = f"{self.provider}:{self.provider_id}"
        if not self.reassigned:
            return base[:120], f"bank:{base}"
        return f"{base}#{self.reassigned}"[:120], f"bank:{base}:r{self.reassigned}"


class StatementImport(Model):
    """One committed statement file: who imported it and what it added."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rows: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    to_review: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    amount_added: Mapped[int] = mapped_column(Money, default=0)
    # Skipped rows with their reasons (capped; the count above is exact).
    problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An upload runs on the job queue: queued → running → done | failed; the file waits in
    # private storage (stored_name) until the retention period has passed.
    status: Mapped[str] = mapped_column(String(10), default="done", server_default="done")
    job_id: Mapped[str | None] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    rows_expected: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
