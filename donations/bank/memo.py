"""Find pledge reference codes inside bank transfer memos, whatever the bank did to them."""

from __future__ import annotations

import re

from app.text import strip_diacritics
from donations.pledges.refcode import BODY_LEN, LOOKALIKES, PREFIX, is_valid

_NON_ALNUM_RE = re.compile(r"[^A-Z0-9]+")
_WINDOW = BODY_LEN + 1  # body and check character after the prefix


def compact_memo(memo: str) -> str:
    """Upper-case, drop diacritics (Đ→D) and every character outside [A-Z0-9]."""
    return _NON_ALNUM_RE.sub("", strip_diacritics(memo.upper()))


def find_codes(memo: str) -> list[str]:
    """Return every valid reference code in ``memo``, once each, in order of appearance.

    Banks add prefixes and suffixes, split lines, change case and strip or keep diacritics,
    so the code is searched for in the compacted memo. Invalid check characters are dropped;
    a valid code that belongs to another pledge is still returned (matching decides).
    """
    if not memo:
        return []
    text = compact_memo(memo)
    found: list[str] = []
    start = text.find(PREFIX)
    while start != -1:
        window = text[start + len(PREFIX) : start + len(PREFIX) + _WINDOW]
        if len(window) < _WINDOW:
            break  # too close to the end; later prefixes are even closer
        # Fold look-alikes only after the prefix: "TS" itself never contains one.
        code = PREFIX + window.translate(LOOKALIKES)
        if is_valid(code) and code not in found:
            found.append(code)
        start = text.find(PREFIX, start + 1)
    return found
