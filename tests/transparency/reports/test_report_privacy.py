"""DESIGN.md §6 with the full demo data: the yearly report page, the back-office report, its
XLSX and its PDF, and the commendation list's PDF name no child, and the follow-up (pairs, entitlements, activities, surveys)
puts no child's data on a public page."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.demo import seed_all
from app.extensions import db
from app.units.models import Unit
from students.registry.models import Student
from tests.conftest import login
from tests.fixtures.documents import pdf_text
from transparency.reports.suppression import HIDDEN


def _secrets(students) -> list[str]:
    out = []
    for s in students:
        d = s.birth_date
        out += [
            s.full_name,
            s.ethnicity,
            s.guardian_phone,
            s.guardian_name,
            s.address,
            d.strftime("%d/%m/%Y"),
            d.isoformat(),
            s.public_id,
        ]
    return [x for x in out if x]


def test_reports_and_public_pages_name_no_child(app, make_user):
    seed_all(lambda _msg: None)
    for student in db.session.execute(select(Student)).scalars():
        student.ethnicity = f"DanToc{student.public_id.replace('-', '')}"
    db.session.commit()
    students = list(db.session.execute(select(Student)).scalars())
    secrets = _secrets(students)
    top = db.session.execute(
        select(Unit).where(Unit.code == "tinh-doan")
    ).scalar_one()  # the demo's
    client = app.test_client()
    public = client.get("/bao-cao-nam/2026-2027")
    assert public.status_code == 200 and HIDDEN.replace("<", "&lt;") in public.text
    login(client, make_user("admin"))
    query = f"kind=year_end&first=2026-08-15&last=2027-05-31&unit_id={top.id}"
    page = client.get(f"/quan-tri/bao-cao/?{query}")
    mid_query = f"kind=mid_term&first=2026-08-15&last=2027-01-15&unit_id={top.id}"
    mid = client.get(f"/quan-tri/bao-cao/?{mid_query}")
    assert "Khảo sát giữa năm: học sinh theo dân tộc" in mid.text  # the demo's surveys
    book = load_workbook(io.BytesIO(client.get(f"/quan-tri/bao-cao/xlsx?{query}").data))
    cells = " ".join(
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    queued = client.post(
        "/quan-tri/bao-cao/pdf",
        data={"kind": "year_end", "first": "2026-08-15", "last": "2027-05-31", "unit_id": top.id},
    )
    pdf = pdf_text(client.get(queued.headers["Location"]).data)
    made = client.post(
        "/quan-tri/tuyen-duong/moi",
        data={
            "title": "Tuyên dương",
            "first": "2026-08-15",
            "last": "2027-05-31",
            "unit_id": top.id,
        },
    )
    commendation = pdf_text(client.get(made.headers["Location"] + "/pdf").data)
    assert "Tập thể" in commendation and "Huyện Đoàn Bản Mây" in commendation
    assert "Đôi bạn và kết quả" in pdf and "Tiền ủng hộ theo chiến dịch" in pdf
    for where, text in (
        ("public", public.text),
        ("page", page.text),
        ("mid-term page", mid.text),
        ("xlsx", cells),
        ("pdf", pdf),
        ("commendation pdf", commendation),
    ):
        for secret in secrets:
            assert secret not in text, f"{secret!r} in the {where} report"
    # The helpers' first names are back-office data: no public page shows them either.
    assert "Thu Hà (" not in public.text
