"""Pledge reference codes: ``TS`` + 7 Crockford base32 characters + 1 check character.

The check character makes the 8 characters after ``TS`` satisfy

    sum(a**(7 - i) * v[i] for i in range(8)) == 0        in GF(32),

where v[i] is the Crockford value (0..31) of character i, read as an element of GF(2**5)
built on the irreducible polynomial x^5 + x^2 + 1, and a = x (the value 2).

Why it detects every single wrong character: changing v[i] by e != 0 changes the sum by
a**k * e, a product of two non-zero field elements, which is never 0.
Why it detects every swap of two adjacent, different characters: the sum changes by
a**k * (a + 1) * (v[i] + v[i+1]); a + 1 != 0 because a != 1, and v[i] + v[i+1] != 0
because addition in GF(2**5) is xor and the two characters differ.
The alphabet stays the 32 Crockford symbols, so the code survives bank memos ([A-Z0-9]).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Protocol

from app.text import strip_diacritics

PREFIX = "TS"
BODY_LEN = 7
CODE_LEN = len(PREFIX) + BODY_LEN + 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_GF32_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)
_NON_ALNUM_RE = re.compile(r"[^A-Z0-9]+")
# Crockford's decoding rule: O reads as 0, I and L read as 1.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class _Chooser(Protocol):
    """Anything with a ``choice`` like the ``secrets`` module or ``random.Random``."""

    def choice(self, seq: Sequence[str]) -> str:
        """Pick one element."""
        ...


def _times_a(value: int) -> int:
    """Multiply a GF(32) element by a = x (a shift, reduced by the field polynomial)."""
    value <<= 1
    return value ^ _GF32_POLY if value & 0b100000 else value


def _fold(chars: str) -> int:
    """Horner evaluation of the weighted sum over GF(32); raises KeyError on a non-symbol."""
    acc = 0
    for ch in chars:
        acc = _times_a(acc) ^ _VALUE[ch]
    return acc


def check_char(body7: str) -> str:
    """Return the check character for 7 Crockford base32 characters."""
    if len(body7) != BODY_LEN or any(ch not in _VALUE for ch in body7):
        raise ValueError(
            f"expected {BODY_LEN} Crockford base32 characters ({ALPHABET}), got {body7!r}"
        )
    # Appending d gives a*acc xor d; choosing d = a*acc makes the total 0.
    return ALPHABET[_times_a(_fold(body7))]


def new_code(rng: _Chooser = secrets) -> str:
    """Return a fresh random reference code such as ``TS7K3F9QX2``."""
    body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LEN))
    return PREFIX + body + check_char(body)


def is_valid(code: str) -> bool:
    """Tell whether ``code`` is exactly a well-formed code with a correct check character."""
    if not isinstance(code, str) or len(code) != CODE_LEN or not code.startswith(PREFIX):
        return False
    tail = code[len(PREFIX) :]
    if any(ch not in _VALUE for ch in tail):
        return False
    return _fold(tail) == 0


def normalize_candidate(text: str) -> str:
    """Canonicalise typed or copied text: upper-case, no diacritics, [A-Z0-9] only, O→0, I/L→1.

    Folding the whole string is safe because ``T`` and ``S`` are not look-alikes.
    """
    compact = _NON_ALNUM_RE.sub("", strip_diacritics(text.upper()))
    return compact.translate(LOOKALIKES)
