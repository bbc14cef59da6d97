"""CSV and XLSX downloads of a statement filter, streamed: rows are read chunk by chunk and
written as they come; the XLSX is built by openpyxl's write-only workbook in a temporary file
and sent in pieces. Every cell goes through app.spreadsheets (text that could start a formula
is neutralised)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

from flask_babel import gettext as _
from openpyxl import Workbook

from app.dbtypes import VN_TZ
from app.spreadsheets import append, csv_lines
from transparency.statement.filters import Filters
from transparency.statement.services import Row, iterate

CHUNK = 64 * 1024


def header() -> list[str]:
    return [
        _("Số thứ tự"),
        _("Thời điểm (giờ Việt Nam)"),
        _("Loại"),
        _("Chiến dịch"),
        _("Tên công khai"),
        _("Mã tham chiếu"),
        _("Từ tài khoản"),
        _("Đến tài khoản"),
        _("Tài sản"),
        _("Số lượng"),
        _("Mã băm"),
    ]


def cells(row: Row) -> list:
    e = row.entry
    return [
        e.seq,
        e.at.astimezone(VN_TZ).strftime("%Y-%m-%d %H:%M:%S"),
        str(row.kind_label),
        row.campaign_title,
        str(row.label),
        e.ref,
        e.source,
        e.destination,
        e.asset,
        e.amount,
        e.hash,
    ]


def csv_stream(filters: Filters) -> Iterator[str]:
    """The filter as CSV text, a line at a time."""
    yield from csv_lines(_table(filters))


def _table(filters: Filters) -> Iterator[list]:
    yield header()
    for row in iterate(filters):
        yield cells(row)


def xlsx_stream(filters: Filters) -> Iterator[bytes]:
    """The filter as an XLSX workbook, built in a temporary file and sent in pieces."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Sao kê"))
    for values in _table(filters):
        append(sheet, values)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as stream:
            while piece := stream.read(CHUNK):
                yield piece
    finally:
        os.unlink(path)
