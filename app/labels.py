"""Codes in words: the one table of ledger entry kinds (and of card-session statuses) that every
page, export and filter shows, so no code ("chargeback", "open") reaches a reader.

The card statuses live here, beside the ledger's kinds, because app is the package every other
one may import (templates get both through the filters below)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_pgettext

# A context of their own (literal, for the extractor): "Ủng hộ" is "Donate" on a button and
# "Điều chỉnh" "Corrections" in a menu. Every kind app.ledger.service accepts (tests/app/test_labels.py keeps the two in step).
ENTRY_KINDS = {
    "donation": lazy_pgettext("ledger entry kind", "Ủng hộ"),
    "in_kind": lazy_pgettext("ledger entry kind", "Ủng hộ hiện vật"),
    "allocation": lazy_pgettext("ledger entry kind", "Phân bổ cho học sinh"),
    "disbursement": lazy_pgettext("ledger entry kind", "Trao tận tay"),
    "purchase": lazy_pgettext("ledger entry kind", "Mua sắm"),
    "expense": lazy_pgettext("ledger entry kind", "Chi trả nhà cung cấp"),
    "fee": lazy_pgettext("ledger entry kind", "Phí thanh toán thẻ"),
    "refund": lazy_pgettext("ledger entry kind", "Hoàn tiền"),
    "chargeback": lazy_pgettext("ledger entry kind", "Khiếu nại thẻ (chargeback)"),
    "reallocation": lazy_pgettext("ledger entry kind", "Điều chuyển giữa chiến dịch"),
    "reversal": lazy_pgettext("ledger entry kind", "Bút toán đảo"),
    "adjustment": lazy_pgettext("ledger entry kind", "Điều chỉnh"),
}

# donations.cards.models.CheckoutStatus, in the words of someone following a donor's payment.
CARD_SESSION_STATUSES = {
    "open": lazy_pgettext("card session status", "Đang chờ thanh toán"),
    "processing": lazy_pgettext("card session status", "Đang xử lý"),
    "paid": lazy_pgettext("card session status", "Đã thanh toán"),
    "failed": lazy_pgettext("card session status", "Thanh toán thất bại"),
    "expired": lazy_pgettext("card session status", "Hết hạn, chưa thanh toán"),
    "cancelled": lazy_pgettext("card session status", "Đã dừng"),
}


def _code(value: object) -> str:
    return str(getattr(value, "value", value) or "")


def entry_kind(kind: object) -> str:
    """`{{ entry.kind|entry_kind }}`: the kind in the reader's language (an unknown code as is)."""
    code = _code(kind)
    return str(ENTRY_KINDS.get(code, code))


def card_session_status(status: object) -> str:
    """`{{ checkout.status|card_session_status }}` (an enum member or its value)."""
    code = _code(status)
    return str(CARD_SESSION_STATUSES.get(code, code))


def register(app: Flask) -> None:
    app.add_template_filter(entry_kind)
    app.add_template_filter(card_session_status)
