"""The shared text helpers: one e-mail check for every form, diacritics folded for matching."""

from __future__ import annotations

import pytest

from app.text import normalize_email, strip_diacritics


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nha.Hao.Tam@Example.COM ", "nha.hao.tam@example.com"),
        ("ketoan@congty.com.vn", "ketoan@congty.com.vn"),
        ("chưa@có.vn", "chưa@có.vn"),
    ],
)
def test_valid_addresses_are_normalised(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "khong-co-a-cong", "a@b", "a@@b.vn", "a b@c.vn", "a@b.test", "x" * 250 + "@b.vn"],
)
def test_invalid_addresses_are_refused(raw):
    assert normalize_email(raw) is None


def test_strip_diacritics_folds_d_with_stroke_and_keeps_the_rest():
    assert strip_diacritics("Nguyễn Văn Đạt – 12A") == "Nguyen Van Dat – 12A"
