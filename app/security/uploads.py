"""Limits on uploaded spreadsheets, checked before any parser sees them.

An XLSX file is a zip: 5 MB of it can inflate to gigabytes of XML (a "zip bomb"), and a sheet
can declare a million rows. `check_xlsx` reads only the zip's directory (sizes and names) and
refuses what would not fit; readers then take at most the rows and columns they need.
"""

from __future__ import annotations

import io
import zipfile

from flask_babel import lazy_gettext as _l

from app.errors import DomainError

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all parts of the workbook, inflated
MAX_ENTRIES = 200  # parts in the zip (a normal workbook has about a dozen)
MAX_RATIO = 200  # inflated / compressed, per part


def check_xlsx(
    data: bytes,
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_entries: int = MAX_ENTRIES,
    max_ratio: int = MAX_RATIO,
    field: str = "file",
) -> None:
    """DomainError when the workbook is not a zip or would inflate beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DomainError(
            _l("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."), field=field
        ) from None
    if len(infos) > max_entries:
        raise DomainError(_l("Bảng tính có quá nhiều thành phần."), field=field)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > max_uncompressed or (info.file_size > 1024 * 1024 and ratio > max_ratio):
            raise DomainError(
                _l(
                    "Bảng tính giải nén ra quá lớn (tối đa %(mb)s MB). Hãy xoá các dòng, cột "
                    "thừa hoặc chia thành nhiều tệp.",
                    mb=max_uncompressed // (1024 * 1024),
                ),
                field=field,
            )


def limited_rows(rows, max_rows: int, *, field: str = "file") -> list[list]:
    """The rows of an iterator, refusing (without reading on) past `max_rows` non-empty ones.

    The header row is counted apart: up to `max_rows` rows of data are accepted.
    """
    out: list[list] = []
    filled = 0
    for row in rows:
        values = list(row)
        out.append(values)
        if any(str(v if v is not None else "").strip() for v in values):
            filled += 1
            if filled > max_rows + 1:
                raise DomainError(_l("Tối đa %(n)s dòng mỗi lần nhập.", n=max_rows), field=field)
    return out
