"""Receipts: numbered per year when a donation is recorded, e-mailed through the outbox."""

from __future__ import annotations

import logging
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Table, bindparam, insert, select, update

from app import mail, writebehind
from app.dbtypes import VN_TZ, utcnow
from app.extensions import db
from donations.models import Donation
from donations.receipts.models import Receipt, ReceiptCounter

log = logging.getLogger(__name__)

RECEIPT_MAIL = "receipt"  # the outbox renderer of receipt e-mails

PROVIDER_LABELS = {
    "stripe": _l("Thẻ thanh toán (Stripe)"),
    "sepay": _l("Chuyển khoản ngân hàng"),
    "casso": _l("Chuyển khoản ngân hàng"),
    "statement": _l("Chuyển khoản ngân hàng"),
    "manual": _l("Ghi nhận thủ công"),
    "in_kind": _l("Hiện vật"),
}


# Built once: a webhook issues a receipt while it holds the ledger's chain lock, and making
# a statement costs more than running it.
_counters = cast(Table, ReceiptCounter.__table__)
_TAKE_NUMBER = (
    update(_counters)
    .where(_counters.c.year == bindparam("b_year"))
    .values(last=_counters.c.last + 1)
    .returning(_counters.c.last)
)
_receipts = cast(Table, Receipt.__table__)


def _next_number(year: int) -> tuple[int, str]:
    """Take the next number of the year (gap-free, never reused): one UPDATE … RETURNING.

    The row stays locked until the transaction ends; the caller already holds the ledger's
    chain lock (a receipt follows a posting), so the first number of a year is inserted safely.
    """
    last = db.session.execute(_TAKE_NUMBER, {"b_year": year}).scalar_one_or_none()
    if last is None:
        db.session.execute(insert(_counters).values(year=year, last=1))
        last = 1
    return last, f"{year}-{last:06d}"


def issue_receipt(donation: Donation, *, new: bool = False) -> Receipt | None:
    """The receipt of a money donation (created once; in-kind gifts get none); flushes.

    `new`: the donation was created in this transaction, so it has no receipt yet (a webhook
    saves the look-up while it holds the ledger lock).
    """
    if donation.asset != "VND":
        return None
    if not new:
        with db.session.no_autoflush:  # the donation was flushed by record_donation
            existing = db.session.execute(
                select(Receipt).where(Receipt.donation_id == donation.id)
            ).scalar_one_or_none()
        if existing is not None:
            return existing
    issued = utcnow()
    year = issued.astimezone(VN_TZ).year
    seq, number = _next_number(year)
    pledge = donation.pledge
    receipt = Receipt(
        number=number,
        year=year,
        seq=seq,
        donation_id=donation.id,
        pledge_id=pledge.id if pledge else None,
        email=(pledge.email if pledge else "").strip(),
        donor_name=(pledge.donor_name if pledge else "").strip(),
        is_business=bool(pledge and pledge.is_business),
        company_name=pledge.company_name if pledge else "",
        tax_code=pledge.tax_code if pledge else "",
        company_address=pledge.company_address if pledge else "",
        campaign_title=donation.campaign.title,
        amount=donation.amount,
        method=donation.provider,
        reference=pledge.reference if pledge else donation.provider_ref[:120],
        ledger_seq=donation.ledger_seq,
        received_at=donation.received_at,
        issued_at=issued,
    )
    db.session.add(receipt)
    db.session.flush()
    if receipt.email:
        send_receipt(receipt)
    return receipt


def issue_new_receipt(donation: Donation) -> int | None:
    """`issue_receipt` for a donation created in this transaction (it has no receipt yet):
    plain INSERTs, no ORM row and no flush, the mail queued for a worker; the receipt's id.

    A webhook calls it while it holds the ledger's chain lock, so it is kept short.
    """
    if donation.asset != "VND":
        return None
    issued = utcnow()
    year = issued.astimezone(VN_TZ).year
    seq, number = _next_number(year)
    pledge = donation.pledge
    email = (pledge.email if pledge else "").strip()
    values = {
        "number": number,
        "year": year,
        "seq": seq,
        "donation_id": donation.id,
        "pledge_id": pledge.id if pledge else None,
        "email": email,
        "donor_name": (pledge.donor_name if pledge else "").strip(),
        "is_business": bool(pledge and pledge.is_business),
        "company_name": pledge.company_name if pledge else "",
        "tax_code": pledge.tax_code if pledge else "",
        "company_address": pledge.company_address if pledge else "",
        "campaign_title": donation.campaign.title,
        "amount": donation.amount,
        "method": donation.provider,
        "reference": pledge.reference if pledge else donation.provider_ref[:120],
        "ledger_seq": donation.ledger_seq,
        "received_at": donation.received_at,
        "issued_at": issued,
        "voided_at": None,
        "void_reason": "",
    }
    receipt_id = writebehind.insert_id(_receipts, values)
    if email:
        mail.queue_rendered_id(
            RECEIPT_MAIL, to=email, payload={"receipt_id": receipt_id}, subject=_subject(number)
        )
    return receipt_id


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"receipt-{purpose}")


def download_token(receipt: Receipt) -> str:
    """The signed part of a receipt's download link (long-lived: it is in the donor's mail)."""
    return _serializer("download").dumps(receipt.id)


def check_token(receipt: Receipt) -> str:
    """The signed part of the public check page the receipt's QR points to."""
    return _serializer("check").dumps(receipt.id)


def receipt_from_token(token: str, purpose: str) -> Receipt | None:
    """The receipt a signed token names, or None when the signature is wrong."""
    try:
        receipt_id = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    return db.session.get(Receipt, receipt_id) if isinstance(receipt_id, int) else None


def site_url(endpoint: str, **values: object) -> str:
    """An absolute link on the public site (SITE_URL, not the request's host), also from CLI."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["SITE_URL"].rstrip("/") + adapter.build(endpoint, values)


def send_receipt(receipt: Receipt, *, background: bool = True) -> None:
    """Queue the receipt e-mail in the current transaction (its PDF is rendered when sent).

    By default a worker renders and sends it (the `mail.deliver` job, queued with the commit):
    the webhooks that record gifts answer without making a PDF. In a statement import
    (`mail.batch_only`) it waits for `flask mail send-pending` instead.
    """
    if receipt.id is None:
        db.session.flush()
    mail.queue_rendered(
        RECEIPT_MAIL,
        to=receipt.email,
        payload={"receipt_id": receipt.id},
        subject=receipt_subject(receipt),
        background=background,
    )


def receipt_subject(receipt: Receipt) -> str:
    """The subject line of the receipt e-mail."""
    return _subject(receipt.number)


def _subject(number: str) -> str:
    return str(
        _l(
            "Biên nhận ủng hộ số %(number)s – %(fund)s",
            number=number,
            fund=current_app.config["FUND_NAME"],
        )
    )


def receipt_context(receipt: Receipt) -> dict:
    """What the e-mail, the PDF and the pages show about a receipt."""
    return {
        "receipt": receipt,
        "method_label": str(PROVIDER_LABELS.get(receipt.method, receipt.method)),
        "download_url": site_url("receipts.receipt_pdf", token=download_token(receipt)),
        "check_url": site_url("receipts.receipt_check", token=check_token(receipt)),
        "fund_name": current_app.config["FUND_NAME"],
    }


def on_donation_received(donation: Donation, **_: object) -> None:
    """Signal receiver: every recorded money donation gets its receipt in the same transaction."""
    issue_new_receipt(donation)  # the signal is sent for a donation just created
