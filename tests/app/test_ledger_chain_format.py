"""The fast canonical form hashes exactly what the reference form (strftime, json.dumps) does."""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.ledger.chain import _format_at_strftime, canonical, entry_hash, format_at

EDGES = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC),  # glibc's strftime leaves it unpadded
    datetime(1000, 1, 1, tzinfo=UTC),
    datetime(1970, 1, 1, tzinfo=UTC),
    datetime(2000, 2, 29, 12, 0, 0, 999_999, tzinfo=UTC),  # fractions are cut, not rounded
    datetime(2024, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    # Not UTC: converted first (a Vietnamese evening is the same UTC day or the day before).
    datetime(2026, 1, 1, 6, 59, 59, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    datetime(2026, 1, 1, 7, 0, 0, tzinfo=timezone(timedelta(hours=7))),
    datetime(2026, 3, 1, 0, 30, tzinfo=timezone(timedelta(hours=-3, minutes=-30))),
    datetime(9999, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=2))),
]


def _reference_canonical(**fields) -> str:
    """DESIGN.md §4 written the slow, obvious way: strftime and json.dumps(sort_keys=True)."""
    obj = {
        k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in fields.items()
    }
    obj["at"] = _format_at_strftime(fields["at"])
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _random_moments(rng: random.Random, n: int) -> list[datetime]:
    zones = [UTC, ZoneInfo("Asia/Ho_Chi_Minh"), timezone(timedelta(hours=-11)), ZoneInfo("UTC")]
    span = (datetime(9999, 12, 30, tzinfo=UTC) - datetime(2, 1, 1, tzinfo=UTC)).total_seconds()
    out = []
    for _ in range(n):
        at = datetime(2, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.uniform(0, span), microseconds=rng.randrange(1_000_000)
        )
        out.append(at.astimezone(rng.choice(zones)))
    return out


def test_format_at_is_the_strftime_form_on_edge_and_random_dates():
    rng = random.Random(20261202)
    recent = [
        datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**8))
        for _ in range(5000)
    ]
    for at in [*EDGES, *_random_moments(rng, 20_000), *recent]:
        assert format_at(at) == _format_at_strftime(at), at


def test_canonical_and_hash_are_byte_identical_to_the_reference_form():
    rng = random.Random(7)
    words = [
        "world",
        "campaign:hoc-bong",
        "student:HS-7Q2K9",
        "Nguyễn Văn Ả",
        'a"b\\c',
        "\u0041\u0301",
    ]
    prev = "0" * 64
    for seq, at in enumerate([*EDGES, *_random_moments(rng, 3000)], start=1):
        fields = {
            "seq": seq,
            "at": at,
            "kind": rng.choice(["donation", "allocation", "fee"]),
            "source": rng.choice(words),
            "destination": rng.choice(words),
            "asset": rng.choice(["VND", "RICE_G"]),
            "amount": rng.randrange(1, 10**15),
            "ref": rng.choice(["", "TS7K2M9QX", "RD-1", "Hồ\u0301", "\x00\t\n"]),
        }
        body = canonical(**fields)
        assert body == _reference_canonical(**fields)
        digest = entry_hash(prev, body)
        expected = hashlib.sha256((prev + _reference_canonical(**fields)).encode()).hexdigest()
        assert digest == expected
        prev = digest
