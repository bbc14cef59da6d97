"""Tests for donations.bank.memo.find_codes against realistic bank memo shapes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donations.bank.memo import compact_memo, find_codes
from donations.pledges.refcode import ALPHABET, check_char, is_valid, new_code


def code_of(body: str) -> str:
    """Return a valid code for a 7-character body."""
    return "TS" + body + check_char(body)


A = code_of("7K3F9QX")  # plain
B = code_of("4M2ZP8R")  # a second pledge
C = code_of("H0RN1DA")  # contains 0 and 1, for look-alike folding
D = code_of("ZZ9Y8W7")  # someone else's pledge: valid, so it is found
LA = A.lower()
C_OI = C.replace("0", "O").replace("1", "I")
C_OL = C.replace("0", "o").replace("1", "l")
WRONG_CHECK = A[:-1] + ("0" if A[-1] != "0" else "1")
TYPO = A[:4] + ("X" if A[4] != "X" else "Y") + A[5:]
SWAPPED = A[:3] + A[4] + A[3] + A[5:]
WITH_U = A[:5] + "U" + A[6:]
NOISE = "CK tu ung dung ngan hang so 0351000646393 NGUYEN VAN AN chuyen tien " * 30


def spaced(code: str, sep: str, every: int = 3) -> str:
    """Insert a separator inside a code, as a bank or a donor might."""
    return sep.join(code[i : i + every] for i in range(0, len(code), every))


CASES: list[tuple[str, str, list[str]]] = [
    ("code alone", A, [A]),
    ("ung ho prefix", f"Ung ho {A}", [A]),
    ("ung ho glued", f"Unghoquy{A}", [A]),
    (
        "MBVCB wrapper",
        f"MBVCB.4525077405.9P0019630833.{A}.CT tu 0351000646393 NGUYEN THE HUNG toi 1017788990"
        " QUY THAP SANG UOC MO",
        [A],
    ),
    (
        "CT tu ... toi ...",
        f"CT tu 0351000646393 NGUYEN THE HUNG toi 1017788990 QUY TS UOC MO {A} ung ho",
        [A],
    ),
    ("trace number and time appended", f"{A} GD 789604-040125 00:05:38", [A]),
    ("trace glued after", f"{A}GD789604040125000538", [A]),
    ("digits glued before", f"0351000646393{A}", [A]),
    ("line breaks around", f"Ung ho\n{A}\nNguyen Van A", [A]),
    ("CRLF inside code", spaced(A, "\r\n", 5), [A]),
    ("line break inside code", A[:5] + "\n" + A[5:], [A]),
    ("lower case", f"ung ho {LA}", [A]),
    ("mixed case", A[:5].lower() + A[5:], [A]),
    ("ts lower case prefix", "ts" + A[2:], [A]),
    ("T S split by bank", "T S" + A[2:], [A]),
    ("t s lower split", "t s" + LA[2:], [A]),
    ("T newline S", "T\nS" + A[2:], [A]),
    ("hyphen inside", spaced(A, "-", 4), [A]),
    ("dots inside", spaced(A, ".", 2), [A]),
    ("spaces inside", spaced(A, " "), [A]),
    ("tab and nbsp inside", A[:4] + "\t" + A[4:7] + "\u00a0" + A[7:], [A]),
    (
        "Vietnamese diacritics around",
        f"Ủng hộ quỹ Thắp sáng ước mơ {A} – chúc các em học giỏi",
        [A],
    ),
    ("diacritics glued to code", f"Đóng góp{A}Đợt hai", [A]),
    ("Đ before code", f"ĐOÀN TN {A}", [A]),
    ("look-alike O and I", f"ung ho {C_OI}", [C]),
    ("look-alike lower o and l", f"ung ho {C_OL}", [C]),
    ("look-alikes in lower case memo", C_OL.lower(), [C]),
    ("two codes", f"{A} va {B} hai em", [A, B]),
    ("two codes glued", A + B, [A, B]),
    ("same code twice", f"{A} {A.lower()} {spaced(A, '-')}", [A]),
    ("invalid check character", f"Ung ho {WRONG_CHECK}", []),
    ("one typo", f"Ung ho {TYPO}", []),
    ("adjacent swap", f"Ung ho {SWAPPED}", []),
    ("U is not Crockford", f"Ung ho {WITH_U}", []),
    ("valid and invalid together", f"{WRONG_CHECK} {B}", [B]),
    ("someone else's pledge code", f"Ung ho {D}", [D]),
    ("no code at all", "CHUYEN TIEN UNG HO QUY", []),
    ("TS but no code", "TS TS TS UNG HO TSX", []),
    ("empty memo", "", []),
    ("only punctuation", " .-/\n ", []),
    ("code truncated by bank", f"NGUYEN VAN A chuyen tien {A[:-2]}", []),
    ("very long memo, code in the middle", NOISE + A + NOISE, [A]),
    ("very long memo, code at the end", NOISE + A, [A]),
    ("very long memo without code", NOISE * 3, []),
    ("doubled prefix", "TS" + A, [A]),
    ("IBFT prefix", f"IBFT {A} NGUYEN VAN BINH chuyen khoan", [A]),
    ("ACB style", f"ACB;0123456789;{A};NGUYEN THI C", [A]),
    ("Techcombank FT reference", f"FT23304ABCD12 {A} Ung ho", [A]),
    ("REM Tfr wrapper", f"REM Tfr Ac: 1017788990 {A} O@L", [A]),
    ("emoji around", f"❤️ {A} 🙏 =))", [A]),
    (
        "full-width characters",
        "ＴＳ" + A[2:].translate({ord(c): ord(c) + 0xFEE0 for c in A[2:]}),
        [A],
    ),
    ("code then name glued", f"{A}NGUYENVANA", [A]),
    ("parenthesised", f"({A})", [A]),
    ("quoted with colon", f'Ma ung ho: "{A}"', [A]),
]


def test_table_covers_every_code_and_no_code_without_repeats() -> None:
    names = [name for name, _, _ in CASES]
    memos = [memo for _, memo, _ in CASES]
    assert len(set(names)) == len(names) and len(set(memos)) == len(memos)
    found = {code for _, _, expected in CASES for code in expected}
    assert found == {A, B, C, D}  # every code is expected somewhere…
    assert any(expected == [] for _, _, expected in CASES)  # …and some memos hold none
    assert any(len(expected) > 1 for _, _, expected in CASES)  # and some hold two
    assert all(is_valid(code) for code in (A, B, C, D))
    assert len({A, B, C, D}) == 4
    assert "0" in C and "1" in C
    assert not any(is_valid(bad) for bad in (WRONG_CHECK, TYPO, SWAPPED, WITH_U))


@pytest.mark.parametrize(("memo", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_codes(memo: str, expected: list[str]) -> None:
    assert find_codes(memo) == expected


def test_compact_memo() -> None:
    assert compact_memo("Ủng hộ đồng bào, TS-7K!") == "UNGHODONGBAOTS7K"


def test_overlapping_false_candidate_does_not_hide_the_real_code() -> None:
    # A "TS" just before the code starts a window that is almost never valid; even when
    # it is, the real code is still returned.
    for prefix in ("TS", "XTS", "TSTS", "TST", "STS"):
        assert A in find_codes(prefix + A)


SEPARATORS = st.sampled_from(["", " ", "-", ".", "\n", "\r\n", "  ", "/", "_"])
NOISE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@given(
    rng=st.randoms(use_true_random=False),
    before=NOISE_TEXT,
    after=NOISE_TEXT,
    sep=SEPARATORS,
    lower=st.booleans(),
)
def test_code_is_found_whatever_surrounds_it(
    rng: random.Random, before: str, after: str, sep: str, lower: bool
) -> None:
    code = new_code(rng)
    shown = sep.join(code)
    if lower:
        shown = shown.lower()
    assert code in find_codes(before + " " + shown + " " + after)


@given(st.text(max_size=200))
def test_everything_returned_is_valid_and_unique(memo: str) -> None:
    codes = find_codes(memo)
    assert all(is_valid(code) for code in codes)
    assert len(codes) == len(set(codes))


def test_random_memos_rarely_produce_codes() -> None:
    rng = random.Random(9)
    hits = 0
    for _ in range(2000):
        memo = "TS" + "".join(rng.choice(ALPHABET) for _ in range(8))
        hits += bool(find_codes(memo))
    # One in 32 random tails carries a matching check character.
    assert 20 < hits < 110
