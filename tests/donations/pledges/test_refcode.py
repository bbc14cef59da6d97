"""Tests for donations.pledges.refcode: format, check character strength, normalisation."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donations.pledges.refcode import (
    ALPHABET,
    CODE_LEN,
    check_char,
    is_valid,
    new_code,
    normalize_candidate,
)

CODE_RE = re.compile(r"TS[0-9A-HJKMNP-TV-Z]{8}")


def random_codes(count: int, seed: int) -> list[str]:
    """Deterministic sample of fresh codes."""
    rng = random.Random(seed)
    return [new_code(rng) for _ in range(count)]


def test_alphabet_is_crockford() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert not set("ILOU") & set(ALPHABET)


def test_new_code_shape() -> None:
    for code in random_codes(500, seed=1):
        assert len(code) == CODE_LEN == 10
        assert CODE_RE.fullmatch(code)
        assert is_valid(code)


def test_new_code_uses_secrets_by_default() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_valid(code) for code in codes)


def test_new_code_is_reproducible_with_a_seeded_rng() -> None:
    assert random_codes(5, seed=7) == random_codes(5, seed=7)


def test_known_check_characters() -> None:
    # Pinned so that a change of scheme (which would orphan printed codes) fails loudly.
    assert check_char("0000000") == "0"
    assert check_char("7K3F9QX") == "3"
    assert is_valid("TS7K3F9QX3")
    assert not is_valid("TS7K3F9QX2")


@pytest.mark.parametrize("body", ["", "7K3F9Q", "7K3F9QXX", "7K3F9QI", "7k3f9qx", "7K3F9QU"])
def test_check_char_refuses_bad_body(body: str) -> None:
    with pytest.raises(ValueError, match="Crockford"):
        check_char(body)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "TS7K3F9QX",
        "TS7K3F9QX33",
        "ts7k3f9qx3",
        "TX7K3F9QX3",
        "7K3F9QX3TS",
        "TS7K3F9QO3",
        "TS7K3F9QU3",
        "TS 7K3F9QX3",
        None,
        12345,
    ],
)
def test_is_valid_rejects_malformed(code: object) -> None:
    assert not is_valid(code)  # type: ignore[arg-type]


def test_every_single_substitution_is_detected() -> None:
    """Exhaustive over positions and replacement symbols, for 2000 random codes."""
    for code in random_codes(2000, seed=2):
        for pos in range(2, CODE_LEN):
            for symbol in ALPHABET:
                if symbol != code[pos]:
                    assert not is_valid(code[:pos] + symbol + code[pos + 1 :]), (code, pos)


def test_every_adjacent_transposition_is_detected() -> None:
    """Exhaustive over positions, for 4000 random codes (check character included)."""
    swaps = 0
    for code in random_codes(4000, seed=3):
        for pos in range(2, CODE_LEN - 1):
            a, b = code[pos], code[pos + 1]
            if a != b:
                swaps += 1
                assert not is_valid(code[:pos] + b + a + code[pos + 2 :]), (code, pos)
    assert swaps > 25000


def swap(code: str, pos: int) -> str:
    """Swap the characters at pos and pos + 1."""
    return code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]


@pytest.mark.parametrize("context", ["0000000", "ZZZZZZZ", "7K3F9QX"])
def test_adjacent_transpositions_exhaustive_over_symbol_pairs(context: str) -> None:
    """Every ordered pair of different symbols at every adjacent position of the tail."""
    for pos in range(6):  # both characters inside the body
        for a, b in itertools.permutations(ALPHABET, 2):
            body = context[:pos] + a + b + context[pos + 2 :]
            code = "TS" + body + check_char(body)
            assert is_valid(code) and not is_valid(swap(code, pos + 2)), (code, pos)
    # Last body character against the check character: the check takes every value as
    # the character before them varies, so all (a, check) pairs are covered.
    pairs = set()
    for before in ALPHABET:
        for a in ALPHABET:
            code = "TS" + context[:5] + before + a + check_char(context[:5] + before + a)
            pairs.add((a, code[-1]))
            if a != code[-1]:
                assert not is_valid(swap(code, 8)), code
    assert len(pairs) == 32 * 32


def test_jump_transpositions_are_detected_too() -> None:
    # Not required, but a property of the scheme worth keeping (weights a^k, a^(k+2) differ).
    for code in random_codes(1000, seed=4):
        for pos in range(2, CODE_LEN - 2):
            if code[pos] != code[pos + 2]:
                swapped = code[:pos] + code[pos + 2] + code[pos + 1] + code[pos] + code[pos + 3 :]
                assert not is_valid(swapped)


def test_check_character_values_are_uniform() -> None:
    counts: dict[str, int] = {}
    for code in random_codes(32 * 200, seed=5):
        counts[code[-1]] = counts.get(code[-1], 0) + 1
    assert set(counts) == set(ALPHABET)
    assert min(counts.values()) > 120


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TS7K3F9QX3", "TS7K3F9QX3"),
        ("ts7k3f9qx3", "TS7K3F9QX3"),
        (" TS-7K3F-9QX3 ", "TS7K3F9QX3"),
        ("TS 7K3 F9Q X3", "TS7K3F9QX3"),
        ("TS.7K3F.9QX3", "TS7K3F9QX3"),
        ("TSO1LI", "TS0111"),
        ("tso1li", "TS0111"),
        ("TS\n7K3F\t9QX3", "TS7K3F9QX3"),
        ("Đ", "D"),
        ("ＴＳ７Ｋ３Ｆ９ＱＸ３", "TS7K3F9QX3"),
        ("", ""),
    ],
)
def test_normalize_candidate(text: str, expected: str) -> None:
    assert normalize_candidate(text) == expected


@given(st.randoms(use_true_random=False))
def test_normalized_lower_case_and_look_alikes_are_valid(rng: random.Random) -> None:
    code = new_code(rng)
    assert normalize_candidate(code.lower()) == code
    messy = code.replace("0", "O").replace("1", rng.choice("IiLl"))
    assert is_valid(normalize_candidate(messy))
    assert normalize_candidate(" - ".join(code)) == code
