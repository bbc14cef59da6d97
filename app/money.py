"""Money: parsing, formatting and reading out amounts held as integer đồng (see DESIGN.md §4)."""

from __future__ import annotations

import re
import unicodedata

import flask_babel
from babel import Locale
from babel.numbers import format_currency, format_decimal, get_decimal_symbol
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

# Upper bound for any amount: fits a signed 64-bit BigInteger with room to spare and is the
# largest value amount_in_words reads out ("một triệu tỷ").
AMOUNT_CEILING = 10**15

# Longer input is never a real amount; refusing it early keeps int() away from huge strings.
_MAX_INPUT_LENGTH = 64

_MULTIPLIERS = {
    "k": 1_000,
    "nghìn": 1_000,
    "nghin": 1_000,
    "ngàn": 1_000,
    "ngan": 1_000,
    "tr": 1_000_000,
    "triệu": 1_000_000,
    "trieu": 1_000_000,
    "tỷ": 1_000_000_000,
    "tỉ": 1_000_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_CURRENCY = "₫|đồng|dong|vnđ|vnd|đ|d"
_PREFIX_CURRENCY = "₫|vnđ|vnd"
_MULT = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
# Input is lower-cased and its whitespace collapsed to single spaces before matching.
_AMOUNT_RE = re.compile(
    rf"(?P<sign>[-−+]?) ?(?P<pre>{_PREFIX_CURRENCY})? ?"
    rf"(?P<num>[0-9]+(?:[., ][0-9]+)*) ?(?P<mult>{_MULT})? ?(?P<cur>{_CURRENCY})?"
)
_SEPARATOR_RE = re.compile(r"([., ])")


class MoneyError(ValueError):
    """A money value a person typed or a caller passed is unacceptable; message is translatable."""

    def __init__(self, code: str, message: str | LazyString) -> None:
        super().__init__(code, message)  # both in args, so copy/pickle can rebuild the error
        self.code = code  # stable machine-readable reason: empty, invalid, grouping, ...
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _invalid(text: str) -> MoneyError:
    """Build the 'not a valid amount' error, quoting (a shortened) input."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    return MoneyError("invalid", _l("Số tiền không hợp lệ: “%(text)s”.", text=shown))


def _grouping(text: str) -> MoneyError:
    """Build the error for badly grouped thousands such as 1.50.000."""
    return MoneyError(
        "grouping",
        _l(
            "Số tiền không hợp lệ: “%(text)s”. Mỗi nhóm hàng nghìn phải có đúng 3 chữ số.",
            text=text,
        ),
    )


def _split_numeral(num: str, text: str) -> tuple[str, str]:
    """Split a numeral into integer digits and fraction digits, enforcing 3-digit groups."""
    parts = _SEPARATOR_RE.split(num)
    digits, seps = parts[0::2], parts[1::2]
    fraction = ""
    if seps and seps[-1] != " ":
        # A lone separator followed by exactly three digits groups thousands (1.500, 1,500);
        # otherwise it is a decimal mark (1,5 triệu). With several separators the last one is a
        # decimal mark only if it differs from the others (1.500.000,50). "0,500" is a decimal.
        last = seps[-1]
        if len(seps) == 1:
            is_decimal = len(digits[1]) != 3 or not digits[0].strip("0")
        else:
            is_decimal = last != seps[-2] and len(digits[-1]) != 3
        if is_decimal:
            fraction = digits.pop()
            seps.pop()
    if seps:
        if len(set(seps)) != 1 or not 1 <= len(digits[0]) <= 3 or digits[0].startswith("0"):
            raise _grouping(text)
        if any(len(group) != 3 for group in digits[1:]):
            raise _grouping(text)
    return "".join(digits), fraction


def _check_range(value: int, minimum: int, maximum: int | None) -> int:
    """Apply the positivity, minimum and maximum rules shared by text and int input."""
    if value <= 0:
        raise MoneyError("not_positive", _l("Số tiền phải lớn hơn 0."))
    if value < minimum:
        bound = format_vnd(minimum)
        raise MoneyError("minimum", _l("Số tiền tối thiểu là %(amount)s.", amount=bound))
    limit = AMOUNT_CEILING if maximum is None else maximum
    if value > limit:
        bound = format_vnd(limit)
        raise MoneyError("maximum", _l("Số tiền tối đa là %(amount)s.", amount=bound))
    return value


def parse_amount(text: str | int | None, *, maximum: int | None = None, minimum: int = 1) -> int:
    """Parse what a person typed (1.500.000 ₫, 1,5 triệu, 500k, …) into a positive int of đồng."""
    if isinstance(text, bool) or not isinstance(text, (str, int, type(None))):
        raise TypeError(f"parse_amount expects str or int, not {type(text).__name__}")
    if isinstance(text, int):
        return _check_range(text, minimum, maximum)
    text = text or ""
    # NFC so that decomposed diacritics (e.g. pasted "đồng", "tỷ") match; lower() for "VND", "Tr".
    cleaned = " ".join(unicodedata.normalize("NFC", text or "").lower().split())
    if not cleaned:
        raise MoneyError("empty", _l("Vui lòng nhập số tiền."))
    if len(cleaned) > _MAX_INPUT_LENGTH:
        raise _invalid(cleaned)
    match = _AMOUNT_RE.fullmatch(cleaned)
    if match is None or (match["pre"] and match["cur"]):
        raise _invalid(text.strip())
    whole, fraction = _split_numeral(match["num"], text.strip())
    if match["sign"] in ("-", "−"):
        raise MoneyError("not_positive", _l("Số tiền phải lớn hơn 0."))
    # Integer scaling only: "1,5 triệu" is 15 * 1_000_000 // 10, never 1.5 * 1e6.
    scaled = int(whole + fraction) * _MULTIPLIERS.get(match["mult"] or "", 1)
    value, remainder = divmod(scaled, 10 ** len(fraction))
    if remainder:
        raise MoneyError(
            "fraction", _l("Số tiền phải là số nguyên đồng, không có phần lẻ dưới 1 đồng.")
        )
    return _check_range(value, minimum, maximum)


def _require_int(amount: object) -> None:
    """Refuse anything but a real int: floats and bools must never pass for money."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int of đồng, not {type(amount).__name__}")


def _resolve_locale(locale: str | Locale | None) -> str | Locale:
    """Use the given locale, else the Flask-Babel request locale, else Vietnamese."""
    if locale is not None:
        return locale
    try:
        current = flask_babel.get_locale()
    except (KeyError, RuntimeError):
        # An app context without Flask-Babel set up, or a locale selector needing a request.
        current = None
    return current or "vi"


def _plain_spaces(text: str) -> str:
    """Replace Babel's no-break spaces; templates keep amounts together with a no-wrap span."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def format_vnd(amount: int, locale: str | Locale | None = None) -> str:
    """Format đồng for display: '1.500.000 ₫' (vi), '₫1,500,000' (en)."""
    _require_int(amount)
    return _plain_spaces(format_currency(amount, "VND", locale=_resolve_locale(locale)))


_ASSET_LABELS = {
    "RICE_G": _l("gạo"),
    "BICYCLE": _l("xe đạp"),
    "SUPPLY_SET": _l("bộ dụng cụ học tập"),
}


def format_quantity(amount: int, asset: str, locale: str | Locale | None = None) -> str:
    """Format an amount of any asset: '2.000 kg gạo', '1,5 kg gạo', '50 xe đạp', VND as money."""
    _require_int(amount)
    if asset == "VND":
        return format_vnd(amount, locale)
    loc = _resolve_locale(locale)
    sign, size = ("-" if amount < 0 else ""), abs(amount)
    label = str(_ASSET_LABELS.get(asset, asset))
    if asset == "RICE_G":
        kilos, grams = divmod(size, 1000)
        if not kilos:
            return f"{sign}{format_decimal(grams, locale=loc)} g {label}"
        number = format_decimal(kilos, locale=loc)
        if grams:
            # Exact decimal kilograms from the remainder, no float: 1500 g -> "1,5".
            number += get_decimal_symbol(loc) + f"{grams:03d}".rstrip("0")
        return _plain_spaces(f"{sign}{number} kg {label}")
    return _plain_spaces(f"{sign}{format_decimal(size, locale=loc)} {label}")


# Why not num2words(lang="vi")? Checked against num2words 0.5.14 it (a) says "lẻ" where receipts
# use "linh", (b) drops "không trăm" inside a number (1005 -> "một nghìn lẻ năm", 1001000 ->
# "một triệu một nghìn"), (c) is wrong outright for 1010 ("một nghìn lẻ mười") and 10**15
# ("một trăm nghìn tỷ", i.e. 10**14). A receipt must be exact, so we read numbers ourselves.
_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _read_triple(n: int, full: bool) -> list[str]:
    """Read 0..999; full reads a non-leading group with its hundreds ('không trăm linh năm')."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += ["linh", _DIGITS[units]] if words else [_DIGITS[units]]
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else _DIGITS[units])  # mười lăm, mười một
    else:
        words += [_DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 5: "lăm"}.get(units, _DIGITS[units]))  # hai mươi mốt/lăm
    return words


def _read_below_billion(n: int, started: bool) -> list[str]:
    """Read 0..999_999_999; once something was read, later groups are read in full."""
    words: list[str] = []
    groups = (n // 1_000_000, n // 1_000 % 1_000, n % 1_000)
    for value, scale in zip(groups, ("triệu", "nghìn", ""), strict=True):
        if value:
            words += _read_triple(value, full=started)
            if scale:
                words.append(scale)
            started = True
    return words


def _read(n: int) -> list[str]:
    """Read a positive int; above a billion the count of tỷ is itself read (nghìn tỷ, triệu tỷ)."""
    billions, rest = divmod(n, 1_000_000_000)
    if not billions:
        return _read_below_billion(rest, started=False)
    return [*_read(billions), "tỷ", *_read_below_billion(rest, started=True)]


def amount_in_words(amount: int) -> str:
    """Vietnamese words for a receipt: 1500000 -> 'Một triệu năm trăm nghìn đồng'."""
    _require_int(amount)
    _check_range(amount, 1, AMOUNT_CEILING)
    text = " ".join(_read(amount))
    return f"{text[0].upper()}{text[1:]} đồng"
