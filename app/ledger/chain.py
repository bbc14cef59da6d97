"""The canonical form and hash of a ledger entry (DESIGN.md §4), shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime

CHAIN_FIELDS = ("seq", "at", "kind", "source", "destination", "asset", "amount", "ref")


def format_at(at: datetime) -> str:
    """UTC `YYYY-MM-DDTHH:MM:SSZ`, the only time format the chain knows."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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

    def nfc(value: str) -> str:
        return unicodedata.normalize("NFC", value)

    obj = {
        "seq": seq,
        "at": at if isinstance(at, str) else format_at(at),
        "kind": nfc(kind),
        "source": nfc(source),
        "destination": nfc(destination),
        "asset": nfc(asset),
        "amount": amount,
        "ref": nfc(ref),
    }
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, canonical_json: str) -> str:
    """sha256 hex of the previous hash followed by the canonical JSON, as UTF-8."""
    return hashlib.sha256((prev_hash + canonical_json).encode("utf-8")).hexdigest()
