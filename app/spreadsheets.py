"""Spreadsheets the platform writes (CSV and XLSX): every cell is data, never a formula.

A value a person typed (a name, a class, a memo) that begins with `=`, `+`, `-`, `@`, a tab or
a carriage return would be run as a formula by Excel or LibreOffice ("=HYPERLINK(…)" in a
student's name, "=1+1" in a class). Such text is written with a leading apostrophe, and XLSX text
cells are typed as strings, so no spreadsheet program ever evaluates them. Numbers and dates
stay numbers and dates. Every CSV and XLSX export goes through `safe()`, `csv_lines()` or `append()`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """The value as it may go into a cell: text that could start a formula is neutralised."""
    if value is None or isinstance(value, bool | int | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """CSV text, one line at a time (for a streamed download); UTF-8 BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        yield "\ufeff"
    for row in rows:
        writer.writerow([safe(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def append(sheet: Worksheet, row: Iterable[Any]) -> None:
    """Append a row of data to a sheet (normal or write-only) with every cell made safe."""
    values = [safe(v) for v in row]
    sheet.append(values)
    if getattr(sheet, "max_row", None) is None:
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
