"""The canonical form and hash of a ledger entry (DESIGN.md §4), shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime

# The string encoder json.dumps(ensure_ascii=False) uses.
_json_string = json.encoder.encode_basestring
CHAIN_FIELDS = ("seq", "at", "kind", "source", "destination", "asset", "amount", "ref")


def format_at(at: datetime) -> str:
    """UTC `YYYY-MM-DDTHH:MM:SSZ`, the only time format the chain knows."""
    if at.tzinfo is UTC and at.year >= 1000:
        # What the database hands back (already UTC): isoformat() gives the same text as the
        # strftime below in about half the time (seconds kept, fractions and offset cut).
        # strftime leaves years before 1000 unpadded on glibc, so those take the slow path.
        return at.isoformat()[:19] + "Z"
    return _format_at_strftime(at)


def _format_at_strftime(at: datetime) -> str:
    """The reference form of format_at (what the chain has always hashed)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _nfc(value: str) -> str:
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def canonical_row(row: tuple) -> str:
    """`canonical()` of (seq, at, kind, source, destination, asset, amount, ref) as the database
    gives them (integers, a datetime).

    The same text json.dumps(sort_keys=True) gives, built directly (imports and the verifier
    hash a million entries): keys in sorted order, strings as JSON strings.
    """
    seq, at, kind, source, destination, asset, amount, ref = row
    s = _json_string
    return (
        f'{{"amount":{int(amount)},"asset":{s(_nfc(asset))},"at":"{format_at(at)}",'
        f'"destination":{s(_nfc(destination))},"kind":{s(_nfc(kind))},"ref":{s(_nfc(ref))},'
        f'"seq":{int(seq)},"source":{s(_nfc(source))}}}'
    )


def canonical(
    *,
    seq: int,
    at: datetime | str,
    kind: str,
    source: str,
    destination: str,
    asset: str,
    amount: int,
    ref: str,
) -> str:
    """JSON with sorted keys, no spaces, non-ASCII kept, strings in NFC."""
    if isinstance(amount, int) and isinstance(seq, int) and not isinstance(at, str):
        return canonical_row((seq, at, kind, source, destination, asset, amount, ref))
    obj = {
        "seq": seq,
        "at": at if isinstance(at, str) else format_at(at),
        "kind": _nfc(kind),
        "source": _nfc(source),
        "destination": _nfc(destination),
        "asset": _nfc(asset),
        "amount": amount,
        "ref": _nfc(ref),
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, canonical_json: str) -> str:
    """sha256 hex of the previous hash followed by the canonical JSON, as UTF-8."""
    return hashlib.sha256((prev_hash + canonical_json).encode("utf-8")).hexdigest()
