"""Importing a working group's review list: per-row validation, preview, duplicates."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from students.registry.importer import TEMPLATE_HEADERS
from students.registry.models import Student
from tests.conftest import login
from tests.fixtures.students import import_row, import_xlsx


def _count():
    return db.session.execute(select(func.count(Student.id))).scalar_one()


def test_xlsx_preview_marks_errors_and_duplicates_then_adds_only_good_rows(
    client, make_user, places, units, make_student
):
    existing = make_student(full_name="Quàng Thị Có Rồi")
    school = places["school_a"].name
    data = import_xlsx(
        [
            import_row(
                "Quàng  thi co roi", "12/04/2013", school
            ),  # already registered (other spelling)
            import_row("Lò Thị Mới", "01/06/2012", school),
            import_row("Lo Thi Moi", "01/06/2012", school),  # same child twice in the file
            import_row("Sùng A Sai Ngày", "31/02/2013", school),
            import_row("Giàng Thị Khối", "01/01/2013", school, grade=14),
            import_row("Mùa A Trường", "01/01/2013", "Trường không có"),
        ]
    )
    login(client, make_user("field", "a"))
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": units["a"].id, "file": (io.BytesIO(data), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert existing.public_id in preview and "trong tệp" in preview
    assert "Ngày sinh “31/02/2013” không hợp lệ" in preview
    assert "1 đến 12" in preview and "Không tìm thấy trường" in preview
    assert "1 / 6 dòng sẽ được thêm" in preview
    assert _count() == 1  # nothing saved by the preview
    done = client.post(response.headers["Location"])
    assert done.status_code == 302
    names = set(db.session.execute(select(Student.full_name)).scalars())
    assert names == {"Quàng Thị Có Rồi", "Lò Thị Mới"}


def test_csv_with_semicolons_is_read(client, make_user, places, units):
    text = (
        ";".join(TEMPLATE_HEADERS)
        + "\n"
        + f"Hà Thị Csv;2013-05-02;Nữ;Tày;{places['school_a'].name};6;6B;;;;;2;0;;;\n"
    )
    login(client, make_user("manager", "a"))
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": units["a"].id, "file": (io.BytesIO(text.encode()), "ds.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    client.post(response.headers["Location"])
    assert _count() == 1


def test_files_that_are_not_spreadsheets_are_refused(client, make_user, units):
    login(client, make_user("field", "a"))
    for payload, name, words in [
        (b"\x89PNG\r\n\x1a\n....", "anh.png", "Chỉ nhận tệp bảng tính"),
        (b"PK\x03\x04 broken zip", "ds.xlsx", "không phải bảng tính Excel"),
        ("Tên;Tuổi\nA;1\n".encode(), "ds.csv", "cột bắt buộc"),
        ("Họ và tên".encode("utf-16"), "ds.csv", "UTF-8"),
    ]:
        response = client.post(
            "/quan-tri/hoc-sinh/nhap",
            data={"unit_id": units["a"].id, "file": (io.BytesIO(payload), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, name
        assert words in response.get_data(as_text=True), name
    assert _count() == 0


def test_field_member_cannot_import_into_another_district(client, make_user, units, places):
    login(client, make_user("field", "a"))
    data = import_xlsx([import_row("Lò Thị Ngoài", "01/06/2012", places["school_a"].name)])
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": units["b"].id, "file": (io.BytesIO(data), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422  # huyện B is not a choice for this user
    assert _count() == 0
