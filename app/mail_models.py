"""The mail outbox: every e-mail is a row, written in the transaction that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model


class MailStatus(enum.StrEnum):
    """Where a queued message stands."""

    pending = "pending"  # waiting for its (next) attempt
    sending = "sending"  # claimed by a sender until `locked_until`
    sent = "sent"  # accepted by the mail server (or written to the dev outbox)
    failed = "failed"  # given up: too many attempts, or refused for good


class OutboxMail(Model):
    """One message to send. `kind` names the renderer ("message": stored as is; others, such
    as "receipt", are rendered from `payload` at send time, e.g. a receipt's PDF)."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="message")
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, native_enum=False, length=10), default=MailStatus.pending, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
