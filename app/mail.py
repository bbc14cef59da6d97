"""E-mail: queued during the unit of work, sent after it commits.

With MAIL_SERVER set, messages go over SMTP; otherwise they are written as .eml files into
MAIL_OUTBOX (development), so nothing is lost and nothing needs a mail server.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from app.uow import after_commit

log = logging.getLogger(__name__)


@dataclass
class Attachment:
    """A file attached to a message."""

    filename: str
    content: bytes
    mimetype: str = "application/pdf"


@dataclass
class Message:
    """What to send."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def build(message: Message) -> EmailMessage:
    """The MIME message for `message`."""
    mime = EmailMessage()
    mime["From"] = current_app.config["MAIL_SENDER"]
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Message-ID"] = f"<{uuid.uuid4().hex}@thapsang>"
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        maintype, subtype = item.mimetype.split("/", 1)
        mime.add_attachment(
            item.content, maintype=maintype, subtype=subtype, filename=item.filename
        )
    return mime


def deliver(message: Message) -> None:
    """Send now: SMTP when configured, else the outbox folder."""
    cfg = current_app.config
    mime = build(message)
    if cfg.get("MAIL_SERVER"):
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
            smtp.send_message(mime)
        return
    outbox = Path(cfg["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(mime))


def send_after_commit(message: Message) -> None:
    """Queue `message`; it is sent once the current unit of work has committed.

    A failure to send is logged, never raised: the donation is already safely recorded and the
    receipt can be downloaded or re-sent.
    """

    def _send() -> None:
        try:
            deliver(message)
        except Exception:  # noqa: BLE001 - mail must never undo a committed gift
            log.exception("could not send e-mail to %s", message.to)

    after_commit(_send)
