"""The receipt e-mail, rendered with its PDF when the outbox sends it (after the commit)."""

from __future__ import annotations

from flask import render_template

from app import mail
from app.extensions import db
from donations.receipts.models import Receipt
from donations.receipts.pdf import render_pdf
from donations.receipts.services import receipt_context, receipt_subject


def render_receipt_mail(item: mail.Queued) -> mail.Message:
    """The receipt e-mail with its PDF, built from the committed row when it is sent."""
    row = db.session.get(Receipt, int(item.payload["receipt_id"]))
    if row is None:
        raise LookupError(f"receipt {item.payload['receipt_id']} not found")
    context = receipt_context(row)
    return mail.Message(
        to=item.to or row.email,
        subject=receipt_subject(row),
        text=render_template("emails/receipt.txt", **context),
        html=render_template("emails/receipt.html", **context),
        attachments=[mail.Attachment(f"bien-nhan-{row.number}.pdf", render_pdf(row))],
    )
