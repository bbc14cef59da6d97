"""Links to a pledge's receipts for the pledge page's thank-you (registered in init_app)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from donations.receipts.models import Receipt
from donations.receipts.services import check_token, download_token


def pledge_receipts(pledge) -> list[Receipt]:
    """The pledge's receipts still valid, oldest first."""
    return list(
        db.session.execute(
            select(Receipt)
            .where(Receipt.pledge_id == pledge.id, Receipt.voided_at.is_(None))
            .order_by(Receipt.id)
        ).scalars()
    )


def pledge_receipt_links(pledge) -> list[dict]:
    """The PDF and the public check page of each receipt of the pledge."""
    links: list[dict] = []
    for receipt in pledge_receipts(pledge):
        links.append(
            {
                "label": _l("Tải biên nhận số %(number)s (PDF)", number=receipt.number),
                "url": url_for("receipts.receipt_pdf", token=download_token(receipt)),
            }
        )
        links.append(
            {
                "label": _l("Kiểm tra biên nhận %(number)s", number=receipt.number),
                "url": url_for("receipts.receipt_check", token=check_token(receipt)),
            }
        )
    return links
