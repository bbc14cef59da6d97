"""Checks made on a statement file before it is parsed: size, rows, columns, and for an .xlsx
(a zip archive) what it would unpack to, so that a spreadsheet that inflates to millions of
cells is refused without being opened. Also gives the row count the progress bar counts to."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from donations.bank.statement_reader import (
    DEFAULT_LIMITS,
    Limits,
    StatementError,
    _too_many_columns,
    _too_many_rows,
)

_DIMENSION_RE = re.compile(rb'<dimension ref="[A-Z]+\d+:(?P<col>[A-Z]+)(?P<row>\d+)"')
_SHEET_RE = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_MAX_PARTS = 2000


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.decode():
        number = number * 26 + (ord(ch) - 64)
    return number


def check_file(path: str | os.PathLike, filename: str, limits: Limits = DEFAULT_LIMITS) -> int:
    """Refuse a file beyond the limits (StatementError); return its rows (an estimate)."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise StatementError(
            _l(
                "Tệp quá lớn (%(size)s, tối đa %(max)s): hãy tách sao kê theo tháng.",
                size=_mb(size),
                max=_mb(limits.max_bytes),
            )
        )
    with path.open("rb") as stream:
        head = stream.read(4)
    if head == b"PK\x03\x04":
        return _check_xlsx(path, os.path.basename(filename), limits)
    return _count_lines(path, limits)


def _count_lines(path: Path, limits: Limits) -> int:
    lines = 0
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
            if lines > limits.max_rows:
                raise _too_many_rows(limits)
    return lines + 1


def _check_xlsx(path: Path, name: str, limits: Limits) -> int:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise StatementError(
            _l(
                "Tệp Excel «%(name)s» bị hỏng hoặc bị cắt cụt (có thể tải lên chưa hết): "
                "hãy xuất lại tệp từ ngân hàng rồi tải lên lại.",
                name=name,
            )
        ) from None
    with archive:
        parts = archive.infolist()
        if len(parts) > _MAX_PARTS:
            raise _inflates(name, limits)
        unpacked = sum(part.file_size for part in parts)
        if unpacked > limits.max_uncompressed:
            raise _inflates(name, limits)
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > 1024 * 1024 and ratio > limits.max_ratio:
                raise _inflates(name, limits)
        rows = 0
        for part in parts:
            if not _SHEET_RE.match(part.filename):
                continue
            try:
                with archive.open(part) as sheet:
                    start = sheet.read(8192)
            except (zipfile.BadZipFile, OSError, EOFError):
                raise StatementError(
                    _l(
                        "Tệp Excel «%(name)s» bị hỏng hoặc bị cắt cụt (có thể tải lên chưa "
                        "hết): hãy xuất lại tệp từ ngân hàng rồi tải lên lại.",
                        name=name,
                    )
                ) from None
            found = _DIMENSION_RE.search(start)
            if found is None:
                continue
            sheet_rows, columns = int(found["row"]), _column_number(found["col"])
            if sheet_rows > limits.max_rows:
                raise _too_many_rows(limits)
            if columns > limits.max_columns:
                raise _too_many_columns(limits)
            rows = max(rows, sheet_rows)
    return rows


def _inflates(name: str, limits: Limits) -> StatementError:
    return StatementError(
        _l(
            "Tệp Excel «%(name)s» giải nén ra quá lớn (tối đa %(max)s): đây không giống sao kê "
            "ngân hàng, tệp đã bị từ chối trước khi mở.",
            name=name,
            max=_mb(limits.max_uncompressed),
        )
    )
