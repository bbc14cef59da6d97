"""The leak scanner shared by the privacy test and bench/statement_privacy.py."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

from tests.fixtures.privacy import LeakScanner, child_secrets, leaks


def test_child_secrets_cover_every_field_and_date_form():
    child = SimpleNamespace(
        full_name="Lò Thị Thử",
        ethnicity="DanTocHS1",
        guardian_phone="0912 345 678",
        guardian_name="Lò Văn Giám",
        address="Bản Thử",
        birth_date=date(2013, 4, 2),
    )
    assert set(child_secrets([child])) == {
        "Lò Thị Thử",
        "DanTocHS1",
        "0912 345 678",
        "Lò Văn Giám",
        "Bản Thử",
        "2013-04-02",
        "02/04/2013",
        "2/4/2013",
    }


def test_a_secret_split_across_chunks_or_escaped_is_found():
    name = "Lò Thị Thử"
    assert leaks([name], [b"a,L", "ò Th".encode(), "ị Thử,b".encode()]) == {name}
    assert leaks([name], [json.dumps({"n": name}).encode()]) == {name}  # "L\u00f2 Th\u1ecb"
    assert leaks(["A & B"], [b"<td>A &amp; B</td>"]) == {"A & B"}
    assert leaks([name], [b"Lo Thi Thu", b"<a>", b"</a>"]) == set()


def test_the_scanner_counts_bytes_and_handles_no_secrets():
    with LeakScanner([]) as scanner:
        scanner.feed(b"x" * 10)
        scanner.feed(b"><" * 5)
    assert scanner.size == 20 and scanner.close() == set()
