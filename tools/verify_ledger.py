#!/usr/bin/env python3
"""Independent checker of an exported ledger (DESIGN.md §4), standard library only.

Usage:  flask ledger export | python3 tools/verify_ledger.py
        curl -s https://…/api/v1/ledger… (one JSON object per line) | python3 tools/verify_ledger.py

It shares no code with the application on purpose: anyone can read these 40 lines and check
the fund's published statement without trusting the fund's software.
"""

import hashlib
import json
import sys
import unicodedata

KEYS = ("seq", "at", "kind", "source", "destination", "asset", "amount", "ref")


def canonical(record: dict) -> str:
    body = {}
    for key in KEYS:
        value = record[key]
        body[key] = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main() -> int:
    prev = "0" * 64
    count = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        count += 1
        digest = hashlib.sha256((prev + canonical(record)).encode("utf-8")).hexdigest()
        if record["seq"] != count or record["prev_hash"] != prev or record["hash"] != digest:
            print(f"BROKEN at seq {record['seq']}")
            return 1
        prev = digest
    print(f"OK {count} entries, head {prev}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
