"""Tests for app.money: parsing, formatting and Vietnamese words for integer đồng."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask, request
from flask_babel import Babel
from hypothesis import given
from hypothesis import strategies as st

from app.money import (
    AMOUNT_CEILING,
    MoneyError,
    amount_in_words,
    format_quantity,
    format_vnd,
    parse_amount,
)

EMPTY = "Vui lòng nhập số tiền."
NOT_POSITIVE = "Số tiền phải lớn hơn 0."
FRACTION = "Số tiền phải là số nguyên đồng, không có phần lẻ dưới 1 đồng."
GROUPING = "Mỗi nhóm hàng nghìn phải có đúng 3 chữ số."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1.500.000 ₫", 1_500_000),
        ("1.500.000₫", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1.500.000 VND", 1_500_000),
        ("1.500.000 vnđ", 1_500_000),
        ("1500000 đồng", 1_500_000),
        ("1500000 dong", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("1.5 triệu", 1_500_000),
        ("1,5 trieu", 1_500_000),
        ("2 triệu", 2_000_000),
        ("2 triệu đồng", 2_000_000),
        ("1,5tr", 1_500_000),
        ("1,25 tr", 1_250_000),
        ("500k", 500_000),
        ("500K", 500_000),
        ("500 k", 500_000),
        ("500kđ", 500_000),
        ("500 nghìn", 500_000),
        ("500 ngàn", 500_000),
        ("500 nghìn đồng", 500_000),
        ("1 tỷ", 1_000_000_000),
        ("1 tỉ", 1_000_000_000),
        ("1,2 TỶ", 1_200_000_000),
        ("1.500 tỷ", 1_500_000_000_000),
        ("  1,5 TRIỆU  ", 1_500_000),
        ("\t1.500.000\xa0₫\n", 1_500_000),
        ("1\u202f500\u202f000 ₫", 1_500_000),
        ("₫1,500,000", 1_500_000),
        ("VND 1.500.000", 1_500_000),
        ("+500k", 500_000),
        ("1.500", 1_500),
        ("1,500", 1_500),
        ("1.500.000,00", 1_500_000),
        ("1,500,000.00", 1_500_000),
        ("0,5k", 500),
        ("0.500 triệu", 500_000),
        ("1.2345 triệu", 1_234_500),
        ("007", 7),
        ("1", 1),
        # Decomposed diacritics (as some keyboards and pastes produce) are normalised.
        ("2 trie\u0302\u0323u", 2_000_000),
    ],
)
def test_parse_accepted_forms(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "empty", EMPTY),
        ("   ", "empty", EMPTY),
        (None, "empty", EMPTY),
        ("-5", "not_positive", NOT_POSITIVE),
        ("-1.500.000 ₫", "not_positive", NOT_POSITIVE),
        ("−500k", "not_positive", NOT_POSITIVE),
        ("-₫1,500,000", "not_positive", NOT_POSITIVE),
        ("0", "not_positive", NOT_POSITIVE),
        ("0 ₫", "not_positive", NOT_POSITIVE),
        ("0,0", "not_positive", NOT_POSITIVE),
        ("1500,5", "fraction", FRACTION),
        ("1.500.000,50", "fraction", FRACTION),
        ("1,500,000.5", "fraction", FRACTION),
        ("0,5", "fraction", FRACTION),
        ("0,0005k", "fraction", FRACTION),
        ("1,0000001 triệu", "fraction", FRACTION),
        ("abc", "invalid", "Số tiền không hợp lệ: “abc”."),
        ("1e6", "invalid", "Số tiền không hợp lệ: “1e6”."),
        ("12abc", "invalid", "Số tiền không hợp lệ: “12abc”."),
        ("₫", "invalid", "Số tiền không hợp lệ: “₫”."),
        ("1.500.000.", "invalid", "Số tiền không hợp lệ: “1.500.000.”."),
        ("₫1.500 ₫", "invalid", "Số tiền không hợp lệ: “₫1.500 ₫”."),
        ("1 tỷ 500 triệu", "invalid", "Số tiền không hợp lệ: “1 tỷ 500 triệu”."),
        ("١٥٠٠", "invalid", "Số tiền không hợp lệ: “١٥٠٠”."),
        ("1" * 70, "invalid", "Số tiền không hợp lệ: “" + "1" * 40 + "…”."),
        ("1.50.000", "grouping", f"Số tiền không hợp lệ: “1.50.000”. {GROUPING}"),
        ("15.00.000", "grouping", f"Số tiền không hợp lệ: “15.00.000”. {GROUPING}"),
        ("1.5000.000", "grouping", f"Số tiền không hợp lệ: “1.5000.000”. {GROUPING}"),
        ("1500.000", "grouping", f"Số tiền không hợp lệ: “1500.000”. {GROUPING}"),
        ("1.500,000", "grouping", f"Số tiền không hợp lệ: “1.500,000”. {GROUPING}"),
        ("1,500.000.000", "grouping", f"Số tiền không hợp lệ: “1,500.000.000”. {GROUPING}"),
        ("1 5", "grouping", f"Số tiền không hợp lệ: “1 5”. {GROUPING}"),
        ("01.500", "grouping", f"Số tiền không hợp lệ: “01.500”. {GROUPING}"),
    ],
)
def test_parse_errors(text: str | None, code: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_amount(text)
    assert caught.value.code == code
    assert str(caught.value) == message


def test_error_messages_are_distinct() -> None:
    """Each failure reason reads differently, so the form can tell the donor what to fix."""
    samples = ["", "-1", "1,5", "abc", "1.50.000"]
    messages = set()
    for text in samples:
        with pytest.raises(MoneyError) as caught:
            parse_amount(text)
        messages.add(str(caught.value))
    for kwargs in ({"maximum": 10}, {"minimum": 1000}):
        with pytest.raises(MoneyError) as caught:
            parse_amount("500", **kwargs)
        messages.add(str(caught.value))
    assert len(messages) == len(samples) + 2


@pytest.mark.parametrize(
    ("text", "kwargs", "code", "message"),
    [
        ("100.000.000", {"maximum": 99_999_999}, "maximum", "Số tiền tối đa là 99.999.999 ₫."),
        (100_000_000, {"maximum": 99_999_999}, "maximum", "Số tiền tối đa là 99.999.999 ₫."),
        ("5.000", {"minimum": 10_000}, "minimum", "Số tiền tối thiểu là 10.000 ₫."),
        (5_000, {"minimum": 10_000}, "minimum", "Số tiền tối thiểu là 10.000 ₫."),
        (
            "2 triệu tỷ",
            {},
            "invalid",
            "Số tiền không hợp lệ: “2 triệu tỷ”.",
        ),
        (
            AMOUNT_CEILING + 1,
            {},
            "maximum",
            "Số tiền tối đa là 1.000.000.000.000.000 ₫.",
        ),
        ("1.000.001 tỷ", {}, "maximum", "Số tiền tối đa là 1.000.000.000.000.000 ₫."),
    ],
)
def test_parse_bounds(text: str | int, kwargs: dict[str, int], code: str, message: str) -> None:
    with pytest.raises(MoneyError) as caught:
        parse_amount(text, **kwargs)
    assert caught.value.code == code
    assert str(caught.value) == message


def test_parse_bounds_are_inclusive() -> None:
    assert parse_amount("99.999.999", maximum=99_999_999) == 99_999_999
    assert parse_amount("10k", minimum=10_000) == 10_000
    assert parse_amount(AMOUNT_CEILING) == AMOUNT_CEILING


@pytest.mark.parametrize(
    ("value", "code"),
    [(1_500_000, None), (1, None), (0, "not_positive"), (-3, "not_positive")],
)
def test_parse_int_input(value: int, code: str | None) -> None:
    if code is None:
        assert parse_amount(value) == value
    else:
        with pytest.raises(MoneyError) as caught:
            parse_amount(value)
        assert caught.value.code == code
        assert str(caught.value) == NOT_POSITIVE


@pytest.mark.parametrize("value", [True, False, 1.5, 1500000.0, b"100", [1]])
def test_parse_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        parse_amount(value)  # type: ignore[arg-type]


def test_money_error_outside_flask_context() -> None:
    err = MoneyError("empty", "x")
    assert str(err) == "x"
    with pytest.raises(MoneyError) as caught:
        parse_amount("", maximum=5)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == EMPTY
    clone = copy.copy(caught.value)  # rebuilt from args, the way pickle does it
    assert (clone.code, str(clone)) == ("empty", EMPTY)


@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (1_500_000, "vi", "1.500.000 ₫"),
        (1_500_000, "vi_VN", "1.500.000 ₫"),
        (1_500_000, "en", "₫1,500,000"),
        (1_500_000, "en_US", "₫1,500,000"),
        (-1_500_000, "vi", "-1.500.000 ₫"),
        (-1_500_000, "en", "-₫1,500,000"),
        (0, "vi", "0 ₫"),
        (1, "vi", "1 ₫"),
        (999, "vi", "999 ₫"),
        (1_000, "vi", "1.000 ₫"),
        (99_999_999, "vi", "99.999.999 ₫"),
        (10**15, "vi", "1.000.000.000.000.000 ₫"),
        (1_500_000, None, "1.500.000 ₫"),
    ],
)
def test_format_vnd(amount: int, locale: str | None, expected: str) -> None:
    assert format_vnd(amount, locale) == expected


def test_format_vnd_uses_plain_spaces() -> None:
    assert "\xa0" not in format_vnd(1_500_000, "vi")
    assert "\u202f" not in format_vnd(1_500_000, "fr")


@pytest.mark.parametrize("value", [1.5, 1500000.0, True, "1500000", None])
def test_format_vnd_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError):
        format_vnd(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "asset", "locale", "expected"),
    [
        (2_000_000, "RICE_G", "vi", "2.000 kg gạo"),
        (2_000, "RICE_G", "vi", "2 kg gạo"),
        (1_500, "RICE_G", "vi", "1,5 kg gạo"),
        (1_500, "RICE_G", "en", "1.5 kg gạo"),
        (1_234, "RICE_G", "vi", "1,234 kg gạo"),
        (1_050, "RICE_G", "vi", "1,05 kg gạo"),
        (999, "RICE_G", "vi", "999 g gạo"),
        (-1_500, "RICE_G", "vi", "-1,5 kg gạo"),
        (50, "BICYCLE", "vi", "50 xe đạp"),
        (1_200, "BICYCLE", "vi", "1.200 xe đạp"),
        (12, "SUPPLY_SET", "vi", "12 bộ dụng cụ học tập"),
        (123, "NOTEBOOK", "vi", "123 NOTEBOOK"),
        (1_500_000, "VND", "vi", "1.500.000 ₫"),
        (1_500_000, "VND", "en", "₫1,500,000"),
    ],
)
def test_format_quantity(amount: int, asset: str, locale: str, expected: str) -> None:
    assert format_quantity(amount, asset, locale) == expected


def test_format_quantity_refuses_float() -> None:
    with pytest.raises(TypeError):
        format_quantity(1.5, "RICE_G")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (105_000, "Một trăm linh năm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (1_005, "Một nghìn không trăm linh năm đồng"),
        (15, "Mười lăm đồng"),
        (25, "Hai mươi lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (14, "Mười bốn đồng"),
        (11, "Mười một đồng"),
        (1, "Một đồng"),
        (10, "Mười đồng"),
        (20, "Hai mươi đồng"),
        (24, "Hai mươi bốn đồng"),
        (100, "Một trăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
        (2_005_000, "Hai triệu không trăm linh năm nghìn đồng"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (
            99_999_999,
            "Chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng",
        ),
        (1_500_000_000, "Một tỷ năm trăm triệu đồng"),
        (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (2_000_000_000_500, "Hai nghìn tỷ năm trăm đồng"),
        (10**15, "Một triệu tỷ đồng"),
    ],
)
def test_amount_in_words(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


@pytest.mark.parametrize(("amount", "code"), [(0, "not_positive"), (-5, "not_positive")])
def test_amount_in_words_refuses_non_positive(amount: int, code: str) -> None:
    with pytest.raises(MoneyError) as caught:
        amount_in_words(amount)
    assert caught.value.code == code


def test_amount_in_words_refuses_above_ceiling() -> None:
    with pytest.raises(MoneyError) as caught:
        amount_in_words(10**15 + 1)
    assert caught.value.code == "maximum"


@pytest.mark.parametrize("value", [1.0, True, "15"])
def test_amount_in_words_refuses_non_int(value: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(value)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=10**12))
def test_round_trip_vi(n: int) -> None:
    assert parse_amount(format_vnd(n, "vi")) == n


@given(st.integers(min_value=1, max_value=10**12))
def test_round_trip_en(n: int) -> None:
    assert parse_amount(format_vnd(n, "en")) == n


@given(st.integers(min_value=1, max_value=10**12))
def test_round_trip_plain_digits(n: int) -> None:
    assert parse_amount(str(n)) == n


@given(
    st.integers(min_value=0, max_value=999),
    st.integers(min_value=0, max_value=999_999),
    st.sampled_from([(",", "triệu", 10**6), (".", "tr", 10**6), (",", "tỷ", 10**9)]),
)
def test_decimal_multiplier_is_exact(whole: int, frac: int, unit: tuple[str, str, int]) -> None:
    """'1,25 triệu' style input is scaled with integers: no float rounding at any size."""
    mark, word, scale = unit
    digits = f"{frac:06d}".rstrip("0") or "0"
    if len(digits) == 3 and whole:
        digits += "0"  # a lone 3-digit tail reads as a thousands group; keep it a decimal
    numerator = (whole * 10 ** len(digits) + int(digits)) * scale
    expected, remainder = divmod(numerator, 10 ** len(digits))
    text = f"{whole}{mark}{digits} {word}"
    if expected == 0:
        with pytest.raises(MoneyError):
            parse_amount(text)
    elif remainder:
        with pytest.raises(MoneyError, match="số nguyên đồng"):
            parse_amount(text)
    else:
        assert parse_amount(text) == expected


@given(st.integers(min_value=1, max_value=10**15))
def test_words_have_no_digits(n: int) -> None:
    words = amount_in_words(n)
    assert not any(ch.isdigit() for ch in words)
    assert words[0].isupper() and words.endswith(" đồng")
    assert "  " not in words


# --- Inside Flask: locale from the request, messages through Flask-Babel ------------------


def _make_app(translations: Path | None = None) -> Flask:
    """A minimal app whose locale comes from ?lang=, optionally with a translations dir."""
    app = Flask(__name__)
    if translations is not None:
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(app, default_locale="vi", locale_selector=lambda: request.args.get("lang"))
    return app


def test_format_vnd_follows_request_locale() -> None:
    app = _make_app()
    with app.test_request_context("/?lang=en"):
        assert format_vnd(1_500_000) == "₫1,500,000"
        assert format_quantity(1_500, "RICE_G") == "1.5 kg gạo"
        assert format_vnd(1_500_000, "vi") == "1.500.000 ₫"
    with app.test_request_context("/"):
        assert format_vnd(1_500_000) == "1.500.000 ₫"


def test_format_vnd_in_app_context_without_babel() -> None:
    with Flask(__name__).app_context():
        assert format_vnd(1_500_000) == "1.500.000 ₫"


def test_messages_are_translated_for_english(tmp_path: Path) -> None:
    catalog = Catalog(locale="en")
    catalog.add(EMPTY, "Please enter an amount.")
    catalog.add("Số tiền tối đa là %(amount)s.", "The maximum amount is %(amount)s.")
    catalog.add("gạo", "rice")
    mo_dir = tmp_path / "en" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with (mo_dir / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    app = _make_app(tmp_path)
    with app.test_request_context("/?lang=en"):
        with pytest.raises(MoneyError) as caught:
            parse_amount(" ")
        assert str(caught.value) == "Please enter an amount."
        with pytest.raises(MoneyError) as caught:
            parse_amount("2 triệu", maximum=1_000_000)
        assert str(caught.value) == "The maximum amount is ₫1,000,000."
        assert format_quantity(2_000_000, "RICE_G") == "2,000 kg rice"
    with app.test_request_context("/"):
        with pytest.raises(MoneyError) as caught:
            parse_amount("")
        assert str(caught.value) == EMPTY
