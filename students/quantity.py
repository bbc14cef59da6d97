"""Reading what people type for an amount in each asset (đồng, kg of rice, pieces)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from app.errors import DomainError
from app.money import MoneyError, parse_amount

_KG_RE = re.compile(r"^(\d{1,6})(?:[.,](\d{1,3}))?$")
_PIECES_RE = re.compile(r"^\d{1,5}$")


def parse_quantity(text: str, asset: str) -> int:
    """An int in the asset's base unit: đồng, grams (typed in kg), or pieces."""
    text = (text or "").strip()
    if asset == "VND":
        try:
            return parse_amount(text)
        except MoneyError as err:
            raise DomainError(str(err), field="amount") from None
    cleaned = re.sub(r"\s*(kg|chiếc|bộ|cái)$", "", text.lower())
    if asset == "RICE_G":
        match = _KG_RE.match(cleaned)
        if not match:
            raise DomainError(_l("Nhập số kg gạo, ví dụ 25 hoặc 12,5."), field="amount")
        grams = int(match[1]) * 1000 + int((match[2] or "0").ljust(3, "0"))
        if grams <= 0:
            raise DomainError(_l("Số lượng phải lớn hơn 0."), field="amount")
        return grams
    if not _PIECES_RE.match(cleaned) or int(cleaned) <= 0:
        raise DomainError(_l("Nhập số lượng là số nguyên lớn hơn 0."), field="amount")
    return int(cleaned)
