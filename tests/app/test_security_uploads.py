"""Spreadsheets that inflate are refused before parsing (issue 13 item 5): student imports."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from app.errors import DomainError
from app.security import uploads
from tests.conftest import login


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(["Họ và tên", "Ngày sinh", "Trường"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bomb(sheet_bytes: int) -> bytes:
    """A real workbook whose first sheet inflates to `sheet_bytes` of XML."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                body = row * (sheet_bytes // len(row))
                bomb.writestr(info.filename, head + body + b"</sheetData></worksheet>")
            else:
                bomb.writestr(info, source.read(info))
    return out.getvalue()


def _upload(client, data: bytes, name: str, unit_id: int):
    return client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": unit_id, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_inflating_workbook_is_refused_before_parsing(client, make_user, units):
    data = _bomb(80 * 1024 * 1024)
    assert len(data) < 1024 * 1024  # under a megabyte on the wire
    login(client, make_user("field", "a"))
    started = time.monotonic()
    response = _upload(client, data, "ds.xlsx", units["a"].id)
    assert response.status_code == 422
    assert "giải nén ra quá lớn" in response.get_data(as_text=True)
    assert time.monotonic() - started < 3  # the XML was never read


def test_too_many_rows_stop_the_reading_early(client, make_user, units):
    lines = ["Họ và tên,Ngày sinh,Trường"] + [f"Tên {i},01/01/2013,Trường" for i in range(150_000)]
    data = "\n".join(lines).encode()
    assert len(data) < 5 * 1024 * 1024
    login(client, make_user("field", "a"))
    started = time.monotonic()
    response = _upload(client, data, "ds.csv", units["a"].id)
    assert response.status_code == 422
    assert "Tối đa 2000 dòng" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5


def test_check_xlsx_limits_parts_and_accepts_a_normal_workbook():
    uploads.check_xlsx(_workbook())
    with pytest.raises(DomainError):
        uploads.check_xlsx(b"PK\x03\x04 not really a zip")
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(250):
            archive.writestr(f"part{i}.xml", b"<x/>")
    with pytest.raises(DomainError):
        uploads.check_xlsx(many.getvalue())
