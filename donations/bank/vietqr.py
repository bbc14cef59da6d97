"""VietQR (NAPAS / EMVCo merchant-presented) payloads: build, parse, CRC and memo rules."""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from app.text import strip_diacritics

NAPAS_GUID = "A000000727"
SERVICES = ("QRIBFTTA", "QRIBFTTC")
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MEMO_MAX = 19
MAX_AMOUNT = 10**13 - 1  # 13 digits
SUBFIELD_MAX = 25  # EMVCo caps each field of template 62 at 25 characters
ACCOUNT_MAX = 19

_BIN_RE = re.compile(r"[0-9]{6}")
_ACCOUNT_RE = re.compile(r"[0-9A-Za-z]{1,19}")
_AMOUNT_RE = re.compile(r"[1-9][0-9]{0,12}")
_HEX4_RE = re.compile(r"[0-9A-Fa-f]{4}")
_MEMO_DROP_RE = re.compile(r"[^A-Z0-9 ]+")
_SPACES_RE = re.compile(r" +")


class VietQRError(ValueError):
    """A VietQR payload cannot be built from these inputs, or a payload is malformed."""


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor.

    `binascii.crc_hqx` is that CRC (the XMODEM variant) given 0xFFFF as its start value.
    """
    return binascii.crc_hqx(data, 0xFFFF)


def sanitize_memo(text: str) -> str:
    """Reduce free text to a bank-safe memo: at most 19 characters of [A-Z0-9 ]."""
    upper = strip_diacritics(text.upper())
    # Symbols become spaces so that "ung-ho" stays two words instead of "UNGHO".
    cleaned = _SPACES_RE.sub(" ", _MEMO_DROP_RE.sub(" ", upper)).strip()
    return cleaned[:MEMO_MAX].rstrip()


def _require_ascii(name: str, value: str) -> None:
    """Refuse anything but printable ASCII: EMVCo lengths count characters, the CRC bytes."""
    bad = [ch for ch in value if not " " <= ch <= "~"]
    if bad:
        raise VietQRError(
            f"{name} must be printable ASCII (use sanitize_memo for free text); "
            f"found {bad[0]!r} in {value!r}"
        )


def _tlv(tag: str, value: str) -> str:
    """Encode one TAG LEN VALUE field."""
    if len(value) > 99:
        raise VietQRError(f"field {tag} is {len(value)} characters long; the maximum is 99")
    return f"{tag}{len(value):02d}{value}"


def _check_text(name: str, value: str, max_len: int) -> None:
    """Validate an optional free-text value placed in template 62."""
    _require_ascii(name, value)
    if len(value) > max_len:
        raise VietQRError(f"{name} is {len(value)} characters long; the maximum is {max_len}")


def build_payload(
    bin: str,
    account: str,
    amount: int | None = None,
    memo: str | None = None,
    *,
    service: str = "QRIBFTTA",
    bill_number: str | None = None,
    dynamic: bool | None = None,
) -> str:
    """Build a VietQR payload string (fields in the order public implementations write them)."""
    if not isinstance(bin, str) or not _BIN_RE.fullmatch(bin):
        raise VietQRError(f"bank BIN must be exactly 6 digits, got {bin!r}")
    if not isinstance(account, str) or not _ACCOUNT_RE.fullmatch(account):
        raise VietQRError(
            f"account must be 1 to {ACCOUNT_MAX} ASCII letters or digits, got {account!r}"
        )
    if service not in SERVICES:
        raise VietQRError(f"service must be one of {', '.join(SERVICES)}, got {service!r}")
    if amount is not None:
        # bool is an int subclass; a float would smuggle fractions of a đồng into money.
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise VietQRError(f"amount must be an integer number of đồng, got {amount!r}")
        if not 1 <= amount <= MAX_AMOUNT:
            raise VietQRError(
                f"amount must be between 1 and {MAX_AMOUNT} đồng (13 digits), got {amount}; "
                "omit it for an open amount"
            )
    memo = memo or None  # an empty memo means "no memo", not a zero-length field
    bill_number = bill_number or None
    if memo is not None:
        _check_text("memo", memo, SUBFIELD_MAX)
    if bill_number is not None:
        _check_text("bill_number", bill_number, SUBFIELD_MAX)

    is_dynamic = amount is not None if dynamic is None else dynamic
    beneficiary = _tlv("00", bin) + _tlv("01", account)
    merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", service)
    parts = [
        _tlv("00", "01"),
        _tlv("01", "12" if is_dynamic else "11"),
        _tlv("38", merchant),
        _tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(_tlv("54", str(amount)))
    parts.append(_tlv("58", COUNTRY_VN))
    if memo is not None or bill_number is not None:
        extra = ""
        if bill_number is not None:
            extra += _tlv("01", bill_number)
        if memo is not None:
            extra += _tlv("08", memo)
        parts.append(_tlv("62", extra))
    body = "".join(parts) + "6304"
    return f"{body}{crc16_ccitt_false(body.encode('ascii')):04X}"


@dataclass(frozen=True)
class VietQRPayload:
    """The fields of a parsed VietQR payload that matter to us, plus every raw field."""

    bin: str
    account: str
    service: str
    amount: int | None
    memo: str | None
    bill_number: str | None
    initiation: str | None
    # Flattened "38.01.00"-style keys → values, in payload order; excluded from the hash.
    raw: Mapping[str, str] = field(hash=False, repr=False)


def _split_tlv(data: str, where: str) -> list[tuple[str, str]]:
    """Split a TLV string into (tag, value) pairs, refusing any malformed or duplicate field."""
    fields: list[tuple[str, str]] = []
    seen: set[str] = set()
    pos = 0
    while pos < len(data):
        head = data[pos : pos + 4]
        if len(head) < 4:
            raise VietQRError(f"truncated field in {where} at position {pos}: {head!r}")
        tag, length_text = head[:2], head[2:]
        if not (tag.isdigit() and tag.isascii()):
            raise VietQRError(f"bad tag {tag!r} in {where} at position {pos}")
        if not (length_text.isdigit() and length_text.isascii()):
            raise VietQRError(f"bad length {length_text!r} for tag {tag} in {where}")
        end = pos + 4 + int(length_text)
        if end > len(data):
            raise VietQRError(
                f"field {tag} in {where} claims {int(length_text)} characters "
                f"but only {len(data) - pos - 4} remain"
            )
        if tag in seen:
            raise VietQRError(f"tag {tag} appears twice in {where}")
        seen.add(tag)
        fields.append((tag, data[pos + 4 : end]))
        pos = end
    return fields


def _require(fields: dict[str, str], tag: str, where: str) -> str:
    """Return a mandatory field or raise."""
    if tag not in fields:
        raise VietQRError(f"mandatory tag {tag} is missing from {where}")
    return fields[tag]


def parse_payload(payload: str) -> VietQRPayload:
    """Parse and strictly validate a VietQR payload string."""
    if not isinstance(payload, str) or not payload:
        raise VietQRError("payload is empty")
    _require_ascii("payload", payload)
    fields = _split_tlv(payload, "payload")
    tags = [tag for tag, _ in fields]
    if "63" not in tags:
        raise VietQRError("CRC field 63 is missing")
    if tags[-1] != "63":
        raise VietQRError("CRC field 63 must be the last field")
    crc_text = fields[-1][1]
    if not _HEX4_RE.fullmatch(crc_text):
        raise VietQRError(f"CRC must be 4 hex digits, got {crc_text!r}")
    expected = crc16_ccitt_false(payload[:-4].encode("ascii"))
    if int(crc_text, 16) != expected:
        raise VietQRError(f"CRC mismatch: payload says {crc_text}, computed {expected:04X}")

    root = dict(fields)
    if _require(root, "00", "payload") != "01":
        raise VietQRError(f"payload format (tag 00) must be '01', got {root['00']!r}")
    initiation = root.get("01")
    if initiation is not None and initiation not in ("11", "12"):
        raise VietQRError(f"point of initiation (tag 01) must be 11 or 12, got {initiation!r}")
    if _require(root, "53", "payload") != CURRENCY_VND:
        raise VietQRError(f"currency (tag 53) must be {CURRENCY_VND} (VND), got {root['53']!r}")
    _require(root, "58", "payload")

    merchant = dict(_split_tlv(_require(root, "38", "payload"), "tag 38"))
    if _require(merchant, "00", "tag 38") != NAPAS_GUID:
        raise VietQRError(f"tag 38.00 must be the NAPAS GUID {NAPAS_GUID}, got {merchant['00']!r}")
    service = _require(merchant, "02", "tag 38")
    beneficiary = dict(_split_tlv(_require(merchant, "01", "tag 38"), "tag 38.01"))
    bank_bin = _require(beneficiary, "00", "tag 38.01")
    account = _require(beneficiary, "01", "tag 38.01")
    if not _BIN_RE.fullmatch(bank_bin):
        raise VietQRError(f"bank BIN (tag 38.01.00) must be 6 digits, got {bank_bin!r}")
    if not account or len(account) > ACCOUNT_MAX:
        raise VietQRError(f"account (tag 38.01.01) must be 1 to {ACCOUNT_MAX} characters")

    amount: int | None = None
    if "54" in root:
        if not _AMOUNT_RE.fullmatch(root["54"]):
            raise VietQRError(
                f"amount (tag 54) must be 1 to 13 digits of whole đồng, got {root['54']!r}"
            )
        amount = int(root["54"])

    additional: dict[str, str] = {}
    if "62" in root:
        additional = dict(_split_tlv(root["62"], "tag 62"))

    # Flatten in payload order, each template followed by its sub-fields.
    nested = {"38": merchant, "38.01": beneficiary, "62": additional}
    raw: dict[str, str] = {}

    def flatten(prefix: str, items: Mapping[str, str]) -> None:
        """Copy items into raw under dotted keys, recursing into known templates."""
        for tag, value in items.items():
            key = f"{prefix}{tag}"
            raw[key] = value
            if key in nested:
                flatten(f"{key}.", nested[key])

    flatten("", root)

    return VietQRPayload(
        bin=bank_bin,
        account=account,
        service=service,
        amount=amount,
        memo=additional.get("08"),
        bill_number=additional.get("01"),
        initiation=initiation,
        raw=MappingProxyType(raw),
    )
