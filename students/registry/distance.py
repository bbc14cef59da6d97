"""Distances to school: typed in km as people write them ("12,5", "12.5", "12 km"), stored as
whole metres so that 12,5 km stays 12,5 km (an integer column, no float anywhere)."""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field, widgets

MAX_KM = 200
MAX_METRES = MAX_KM * 1000
# One message for every bad distance, typed or imported: what to type and the range.
MESSAGE = _l("Nhập khoảng cách từ 0 đến %(max)s km, ví dụ 12 hoặc 12,5.", max=MAX_KM)
# Either decimal mark, up to metres: "12", "12,5", "12.5", "0,75", "3.125".
_NUMBER = re.compile(r"(\d{1,6})(?:[.,](\d{1,3}))?")


class DistanceError(ValueError):
    """A distance that is not a number, or out of range; `str()` is the Vietnamese message."""

    def __init__(self) -> None:
        super().__init__(MESSAGE)


def parse(text: object) -> int | None:
    """Metres from what a person typed in km; None when empty; DistanceError otherwise."""
    if isinstance(text, float):  # a spreadsheet cell: 12.5, or 12.499999999 after arithmetic
        text = f"{text:.3f}"
    raw = str(text if text is not None else "").strip().lower().removesuffix("km").strip()
    if not raw:
        return None
    match = _NUMBER.fullmatch(raw)
    if match is None:
        raise DistanceError
    whole, fraction = match.group(1), match.group(2) or ""
    metres = int(whole) * 1000 + int(fraction.ljust(3, "0") or 0)
    if metres > MAX_METRES:
        raise DistanceError
    return metres


def format_km(metres: int | None, locale: object = None) -> str:
    """`12,5 km` in Vietnamese, `12.5 km` in English (no trailing zeros)."""
    km = Decimal(int(metres or 0)) / 1000
    return f"{format_decimal(km, format='#,##0.###', locale=locale or get_locale() or 'vi')} km"


class Kilometres(Field):
    """A form field in km as people type it; `.data` is metres (or None when left empty)."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return "" if self.data is None else format_km(self.data).removesuffix(" km")

    def process_formdata(self, valuelist) -> None:
        self.data = None
        self.data = parse(valuelist[0] if valuelist else "")
