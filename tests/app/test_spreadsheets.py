"""Exports are data, not formulas: hostile text is neutralised in CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from app.spreadsheets import append, csv_lines, safe

HOSTILE = ['=HYPERLINK("http://x.example","bấm")', "=1+1", "+84 912", "-2", "@SUM(A1)", "\tx"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_could_start_a_formula_is_neutralised(text):
    assert safe(text) == "'" + text


def test_numbers_dates_and_plain_text_are_kept():
    assert safe(-2) == -2 and safe(1_500_000) == 1_500_000
    assert safe(date(2026, 12, 1)) == date(2026, 12, 1)
    assert safe("Lò Thị Mai") == "Lò Thị Mai" and safe(None) is None


def test_csv_cells_never_begin_a_formula():
    text = "".join(csv_lines([["Họ tên", "Lớp"], *[[h, "=1+1"] for h in HOSTILE]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Họ tên", "Lớp"]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for row in rows for cell in row)


def test_xlsx_cells_are_strings_not_formulas():
    book = Workbook()
    sheet = book.active
    append(sheet, ["Họ tên", "Lớp", "Số tiền"])
    append(sheet, ['=HYPERLINK("http://x.example","bấm")', "=1+1", 500_000])
    out = io.BytesIO()
    book.save(out)
    loaded = load_workbook(io.BytesIO(out.getvalue()))
    name, klass, amount = (c for c in loaded.active[2])
    assert name.data_type == "s" and name.value.startswith("'=HYPERLINK")
    assert klass.data_type == "s" and klass.value == "'=1+1"
    assert amount.value == 500_000 and amount.data_type == "n"
