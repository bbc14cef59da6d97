"""Tests for donations.bank.vietqr (payload build/parse, CRC, memo rules) and donations.banks."""

# ruff: noqa: E501 - the test vectors are copied verbatim from VIETQR.md

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.text import strip_diacritics
from donations.bank.banks import BANKS, bank_by_bin
from donations.bank.vietqr import (
    MAX_AMOUNT,
    VietQRError,
    build_payload,
    crc16_ccitt_false,
    parse_payload,
    sanitize_memo,
)

# Every test vector of VIETQR.md §1: (bin, account, amount, memo, extra kwargs, payload).
VECTORS = [
    (
        "970415", "0011001932418", 120000, "ung ho lu lut", {},
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C",
    ),
    (
        "970423", "0099999999", None, None, {},
        "00020101021138540010A00000072701240006970423011000999999990208QRIBFTTA53037045802VN6304CBB4",
    ),
    (
        "970422", "0023457923442", 40123, "test text string", {},
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA53037045405401235802VN62200816test text string6304D9C6",
    ),
    (
        "970422", "0023457923442", 40123, "chuyen khoan", {},
        "00020101021238570010A00000072701270006970422011300234579234420208QRIBFTTA53037045405401235802VN62160812chuyen khoan6304722F",
    ),
    (
        "970416", "224528479", 10000, "TRANSFER TO SOMEONE", {"bill_number": "NPS6869"},
        "00020101021238530010A0000007270123000697041601092245284790208QRIBFTTA53037045405100005802VN62340107NPS68690819TRANSFER TO SOMEONE6304AC13",
    ),
    (
        "970416", "257678859", None, None, {},
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
    ),
    (
        "970416", "257678859", 10000, "Chuyen tien", {},
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6",
    ),
    (
        "970416", "257678859", 999999, "Cam on nhe", {},
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA530370454069999995802VN62140810Cam on nhe6304E786",
    ),
    (
        "970407", "0386577672", 1000000, "henry an cut", {"dynamic": False},
        "00020101021138540010A00000072701240006970407011003865776720208QRIBFTTA5303704540710000005802VN62160812henry an cut6304A322",
    ),
]  # fmt: skip

GOOD = VECTORS[0][5]


def with_crc(body: str) -> str:
    """Append a correct CRC field to a payload body (everything before 6304)."""
    data = body + "6304"
    return f"{data}{crc16_ccitt_false(data.encode('ascii')):04X}"


def tlv(tag: str, value: str) -> str:
    """Encode one field, for hand-built payloads."""
    return f"{tag}{len(value):02d}{value}"


def test_crc_check_value() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_crc_of_empty_input_is_the_initial_value() -> None:
    assert crc16_ccitt_false(b"") == 0xFFFF


@pytest.mark.parametrize(("bank", "account", "amount", "memo", "kwargs", "payload"), VECTORS)
def test_build_matches_published_vector(bank, account, amount, memo, kwargs, payload) -> None:
    assert build_payload(bank, account, amount, memo, **kwargs) == payload


@pytest.mark.parametrize(("bank", "account", "amount", "memo", "kwargs", "payload"), VECTORS)
def test_parse_published_vector(bank, account, amount, memo, kwargs, payload) -> None:
    parsed = parse_payload(payload)
    assert parsed.bin == bank
    assert parsed.account == account
    assert parsed.amount == amount
    assert parsed.memo == memo
    assert parsed.bill_number == kwargs.get("bill_number")
    assert parsed.service == "QRIBFTTA"
    expected_initiation = "12" if kwargs.get("dynamic", amount is not None) else "11"
    assert parsed.initiation == expected_initiation
    assert parsed.raw["38.00"] == "A000000727"
    assert parsed.raw["38.01.00"] == bank
    assert parsed.raw["63"] == payload[-4:]
    assert list(parsed.raw)[0] == "00" and list(parsed.raw)[-1] == "63"


def test_initiation_rules() -> None:
    assert build_payload("970436", "123", 5000)[6:12] == "010212"
    assert build_payload("970436", "123")[6:12] == "010211"
    assert build_payload("970436", "123", dynamic=True)[6:12] == "010212"
    assert build_payload("970436", "123", 5000, dynamic=False)[6:12] == "010211"


def test_card_service_round_trips() -> None:
    payload = build_payload("970436", "9704360000000000018", 50000, service="QRIBFTTC")
    assert parse_payload(payload).service == "QRIBFTTC"


def test_empty_memo_means_no_template_62() -> None:
    assert "62" not in parse_payload(build_payload("970436", "123", 5000, "")).raw


def test_largest_amount_is_13_digits() -> None:
    assert parse_payload(build_payload("970436", "1", MAX_AMOUNT)).amount == 9_999_999_999_999


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 0}, "between 1"),
        ({"amount": -5}, "between 1"),
        ({"amount": 10**13}, "13 digits"),
        ({"amount": 1000.0}, "integer"),
        ({"amount": True}, "integer"),
        ({"amount": "1000"}, "integer"),
        ({"memo": "ủng hộ"}, "ASCII"),
        ({"memo": "line\nbreak"}, "ASCII"),
        ({"memo": "X" * 26}, "maximum is 25"),
        ({"bill_number": "Đ1"}, "ASCII"),
        ({"bill_number": "B" * 26}, "maximum is 25"),
        ({"bin": "97041"}, "6 digits"),
        ({"bin": "97041a"}, "6 digits"),
        ({"account": ""}, "account"),
        ({"account": "1" * 20}, "account"),
        ({"account": "0011 001"}, "account"),
        ({"account": "số1"}, "account"),
        ({"service": "QRPUSH"}, "service"),
    ],
)
def test_build_refuses_bad_input(kwargs: dict, message: str) -> None:
    args = {"bin": "970436", "account": "0011001932418", "amount": 1000, "memo": "TS1"} | kwargs
    with pytest.raises(VietQRError, match=message):
        build_payload(**args)


def test_error_is_a_value_error() -> None:
    assert issubclass(VietQRError, ValueError)


def test_parse_accepts_extra_tags() -> None:
    merchant = tlv("00", "A000000727") + tlv("01", tlv("00", "970436") + tlv("01", "1017788990"))
    merchant += tlv("02", "QRIBFTTA")
    body = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("38", merchant)
        + tlv("52", "0000")
        + tlv("53", "704")
        + tlv("54", "250000")
        + tlv("58", "VN")
        + tlv("59", "QUY THAP SANG UOC MO")
        + tlv("60", "HA NOI")
        + tlv("62", tlv("05", "REF123") + tlv("08", "TS7K3F9QX3"))
        + tlv("80", tlv("00", "XYZ") + tlv("01", "abc"))
    )
    parsed = parse_payload(with_crc(body))
    assert (parsed.bin, parsed.account, parsed.amount) == ("970436", "1017788990", 250000)
    assert parsed.memo == "TS7K3F9QX3"
    assert parsed.raw["59"] == "QUY THAP SANG UOC MO"
    assert parsed.raw["60"] == "HA NOI"
    assert parsed.raw["62.05"] == "REF123"
    assert parsed.raw["80"] == "0003XYZ0103abc"


def test_parse_accepts_lower_case_crc() -> None:
    assert parse_payload(GOOD[:-4] + GOOD[-4:].lower()).amount == 120000


def assemble(
    beneficiary: str = tlv("00", "970436") + tlv("01", "1017788990"),
    merchant_extra: str = tlv("02", "QRIBFTTA"),
) -> str:
    """Build a payload around a hand-made tag 38, with correct lengths and CRC."""
    merchant = tlv("00", "A000000727") + tlv("01", beneficiary) + merchant_extra
    return with_crc("000201010211" + tlv("38", merchant) + "5303704" + "5802VN")


def replace_field(payload: str, old: str, new: str) -> str:
    """Swap a substring in the body and recompute the CRC so only the change is tested."""
    body = payload[:-8]
    assert old in body
    return with_crc(body.replace(old, new, 1))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "empty"),
        (GOOD[:-1] + "D", "CRC mismatch"),
        (GOOD.replace("5406120000", "5406120001"), "CRC mismatch"),
        (GOOD[:-1], "claims 4 characters but only 3 remain"),
        (GOOD[:-3], "claims 4 characters but only 1 remain"),
        (GOOD[:-6], "truncated field"),
        (GOOD + "6", "truncated field"),
        (GOOD + "9900", "must be the last"),
        (GOOD[:-8], "CRC field 63 is missing"),
        (GOOD[:-8] + "6303ABC", "4 hex digits"),
        (GOOD[:-4] + "ZZZZ", "4 hex digits"),
        (GOOD.replace("00020101", "00020201", 1), "CRC mismatch"),
        (replace_field(GOOD, "000201", "000202"), "payload format"),
        (replace_field(GOOD, "5303704", ""), "mandatory tag 53"),
        (replace_field(GOOD, "5802VN", ""), "mandatory tag 58"),
        (replace_field(GOOD, "000201", ""), "mandatory tag 00"),
        (replace_field(GOOD, "5303704", "5303840"), "currency"),
        (replace_field(GOOD, "010212", "010213"), "point of initiation"),
        (replace_field(GOOD, "0813ung ho lu lut", "0815ung ho lu lut"), "claims 15"),
        (replace_field(GOOD, "540612", "54AB12"), "bad length"),
        (replace_field(GOOD, "5406120000", "5406012000"), "amount"),
        (replace_field(GOOD, "5406120000", "54010"), "amount"),
        (replace_field(GOOD, "5406120000", "5408120000.0"), "amount"),
        (replace_field(GOOD, "5802VN", "5802VN5802VN"), "appears twice"),
        (replace_field(GOOD, "0010A000000727", "0010A000000728"), "GUID"),
        (assemble(merchant_extra=""), "mandatory tag 02 is missing from tag 38"),
        (assemble(beneficiary=tlv("01", "123")), "mandatory tag 00 is missing from tag 38.01"),
        (assemble(beneficiary=tlv("00", "970436")), "mandatory tag 01 is missing from tag 38.01"),
        (assemble(beneficiary=tlv("00", "97043") + tlv("01", "1")), "6 digits"),
        (assemble(beneficiary=tlv("00", "970436") + tlv("01", "1" * 20)), "account"),
        (replace_field(GOOD, GOOD[12:73], ""), "mandatory tag 38"),
        (replace_field(GOOD, "38570010", "38"), "bad"),
        (GOOD.replace("ung ho", "ủng hộ"), "ASCII"),
    ],
)
def test_parse_rejects(payload: str, message: str) -> None:
    with pytest.raises(VietQRError, match=message):
        parse_payload(payload)


def test_assemble_helper_builds_a_valid_payload() -> None:
    assert parse_payload(assemble()).account == "1017788990"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TS7K3F9QX3 Ủng hộ", "TS7K3F9QX3 UNG HO"),
        ("Đoàn Thanh niên", "DOAN THANH NIEN"),
        ("đồng bào lũ lụt", "DONG BAO LU LUT"),
        ("  ung-ho,  các   em! ", "UNG HO CAC EM"),
        ("TS7K3F9QX3 ủng hộ quỹ Thắp sáng ước mơ", "TS7K3F9QX3 UNG HO Q"),
        ("TS7K3F9QX3 ủng hộ  quỹ", "TS7K3F9QX3 UNG HO Q"),
        ("TS7K3F9QX3 ung ho a", "TS7K3F9QX3 UNG HO A"),
        ("TS7K3F9QX3 ung hoa b", "TS7K3F9QX3 UNG HOA"),
        ("Ơn nghĩa Ưu tiên", "ON NGHIA UU TIEN"),
        ("😀🙏", ""),
        ("", ""),
    ],
)
def test_sanitize_memo(text: str, expected: str) -> None:
    assert sanitize_memo(text) == expected


def test_strip_diacritics_maps_d_with_stroke() -> None:
    # NFKD alone leaves đ/Đ untouched: the explicit mapping is what makes this pass.
    assert strip_diacritics("Đặng Đức đạt") == "Dang Duc dat"
    assert strip_diacritics("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ") == "AAAAAAAAAAAAAAAAA"


@given(st.text(max_size=80))
def test_sanitize_memo_is_always_bank_safe(text: str) -> None:
    memo = sanitize_memo(text)
    assert re.fullmatch(r"[A-Z0-9 ]{0,19}", memo)
    assert memo == memo.strip() and "  " not in memo
    build_payload("970436", "1017788990", 1000, memo)


PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ACCOUNT_CHARS = string.ascii_letters + string.digits


@given(
    bank=st.text(string.digits, min_size=6, max_size=6),
    account=st.text(ACCOUNT_CHARS, min_size=1, max_size=19),
    amount=st.none() | st.integers(1, MAX_AMOUNT),
    memo=st.none() | st.text(PRINTABLE, min_size=1, max_size=25),
    bill=st.none() | st.text(PRINTABLE, min_size=1, max_size=25),
    service=st.sampled_from(["QRIBFTTA", "QRIBFTTC"]),
    dynamic=st.none() | st.booleans(),
)
def test_build_parse_round_trip(bank, account, amount, memo, bill, service, dynamic) -> None:
    payload = build_payload(
        bank, account, amount, memo, service=service, bill_number=bill, dynamic=dynamic
    )
    parsed = parse_payload(payload)
    assert (parsed.bin, parsed.account, parsed.service) == (bank, account, service)
    assert (parsed.amount, parsed.memo, parsed.bill_number) == (amount, memo, bill)
    wanted_dynamic = amount is not None if dynamic is None else dynamic
    assert parsed.initiation == ("12" if wanted_dynamic else "11")
    assert re.fullmatch(r".*6304[0-9A-F]{4}", payload)


@given(
    amount=st.integers(1, MAX_AMOUNT),
    memo=st.text(PRINTABLE, min_size=1, max_size=25),
    data=st.data(),
)
def test_any_single_character_change_is_rejected(amount: int, memo: str, data) -> None:
    payload = build_payload("970436", "1017788990", amount, memo)
    pos = data.draw(st.integers(0, len(payload) - 1))
    new = data.draw(PRINTABLE.filter(lambda ch: ch != payload[pos]))
    # The CRC catches every error burst of at most 16 bits, so any changed byte is caught
    # (a lower-case hex digit in the CRC itself is the one equivalent spelling).
    if pos >= len(payload) - 4 and new.upper() == payload[pos]:
        return
    with pytest.raises(VietQRError):
        parse_payload(payload[:pos] + new + payload[pos + 1 :])


def test_bank_list_is_clean() -> None:
    bins = [bank.bin for bank in BANKS]
    assert len(BANKS) == 21
    assert len(set(bins)) == len(bins)
    assert all(re.fullmatch(r"970\d{3}", b) for b in bins)
    assert all(isinstance(bank, tuple) and len(bank) == 3 for bank in BANKS)


@pytest.mark.parametrize(
    ("bin_", "short"),
    [
        ("970436", "Vietcombank"),
        ("970415", "VietinBank"),
        ("970418", "BIDV"),
        ("970422", "MB"),
        ("970407", "Techcombank"),
        ("970416", "ACB"),
        ("970423", "TPBank"),
        ("970425", "ABBANK"),
    ],
)
def test_bank_by_bin(bin_: str, short: str) -> None:
    bank = bank_by_bin(bin_)
    assert bank is not None and bank.short_name == short


def test_unknown_bin() -> None:
    assert bank_by_bin("123456") is None


def test_every_vector_bank_is_known() -> None:
    assert all(bank_by_bin(vector[0]) is not None for vector in VECTORS)
