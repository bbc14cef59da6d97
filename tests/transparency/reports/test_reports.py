"""Reports: the figures of a date range and a unit, small counts hidden on the page, in the
XLSX (cells as data) and in the PDF (made by a job); the public yearly report."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from app.extensions import db
from students.care.services import add_visit
from students.peer.services import create_pair, record_result
from students.registry.services import change_status
from students.surveys.services import save_survey, start_survey
from tests.fixtures.documents import pdf_text
from transparency.reports import data
from transparency.reports.suppression import HIDDEN

YEAR = "2026-2027"
FIRST, LAST = date(2026, 8, 15), date(2027, 5, 31)


def _children(make_student, make_user, n=7):
    admin = make_user("admin")
    out = []
    for i in range(n):
        student = make_student(full_name=f"Lò Thị Báo Cáo {chr(65 + i)}", grade=6 + i % 3)
        change_status(admin, student, "returned", on=date.today())
        add_visit(admin, student, visited_on=date(2026, 10, 2), visitors="Tổ", causes=["economic"])
        out.append(student)
    return out


def test_the_report_counts_and_hides_small_cells(make_student, make_user, units):
    children = _children(make_student, make_user)
    manager = make_user("manager", "a")
    pair = create_pair(
        manager,
        student_public_id=children[0].public_id,
        school_year=YEAR,
        model="study",
        helpers=[("An", "7A")],
        follower="Cô Lan",
        started_on=FIRST,
    )
    record_result(
        manager, pair, term="HK1", days_absent=1, grades_improved=True, still_in_school=True
    )
    report = data.build("year_end", FIRST, LAST, units["province"])
    returned = report.table("returned")
    row_a = returned.rows.index(units["a"].name)
    assert returned.value(row_a, 0) == 7  # seven children back in class in huyện A
    visits = report.table("visits")
    assert visits.value(row_a, 0) == 7
    pairs = report.table("pairs")
    assert pairs.value(row_a, 0) == HIDDEN  # one pair that succeeded: under 5
    for table in report.tables:
        if not table.sensitive:
            continue
        for _label, values in table.shown_rows():
            assert all(v == HIDDEN or v >= 5 for v in values), table.key


def test_pages_and_downloads_show_no_child_and_no_small_count(
    client, make_student, make_user, login_as, units
):
    children = _children(make_student, make_user, n=3)
    db.session.commit()
    login_as("manager", "a")
    query = f"kind=year_end&first={FIRST}&last={LAST}&unit_id={units['a'].id}"
    page = client.get(f"/quan-tri/bao-cao/?{query}")
    assert page.status_code == 200 and "Báo cáo tổng kết" in page.text
    assert "&lt; 5" in page.text
    book = client.get(f"/quan-tri/bao-cao/xlsx?{query}")
    assert book.status_code == 200
    wb = load_workbook(io.BytesIO(book.data))
    cells = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert any(c.value == HIDDEN for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
    assert not any(c.data_type == "f" for c in cells)
    queued = client.post(
        "/quan-tri/bao-cao/pdf",
        data=dict(
            kind="year_end", first=FIRST.isoformat(), last=LAST.isoformat(), unit_id=units["a"].id
        ),
    )
    assert queued.status_code == 302
    pdf = client.get(queued.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Báo cáo tổng kết" in text and "< 5" in text
    texts = [str(c.value) for c in cells] + [page.text, text]
    for child in children:
        assert not any(child.full_name in t for t in texts)
    bad = client.get(
        f"/quan-tri/bao-cao/?kind=year_end&first={LAST}&last={FIRST}&unit_id={units['a'].id}"
    )
    assert "Ngày cuối phải sau ngày đầu." in bad.text
    assert (
        client.get(
            f"/quan-tri/bao-cao/xlsx?{query.replace(str(units['a'].id), str(units['b'].id))}"
        ).status_code
        == 403
    )


def test_field_members_do_not_read_reports(client, login_as):
    login_as("field", "a")
    assert client.get("/quan-tri/bao-cao/").status_code == 403


def test_the_public_yearly_report_names_no_child(client, make_student, make_user, units):
    children = _children(make_student, make_user, n=6)
    db.session.commit()
    page = client.get(f"/bao-cao-nam/{YEAR}")
    assert page.status_code == 200 and "Báo cáo tổng kết năm học 2026-2027" in page.text
    for child in children:
        assert child.full_name not in page.text and child.public_id not in page.text
    assert client.get("/bao-cao-nam/2026").status_code == 404
    assert client.get("/bao-cao-nam/").status_code == 302


def _survey(admin, unit, lines, period="year_end"):
    survey = start_survey(admin, unit.id, YEAR, period)
    values = [
        {"measure": m, "grade": str(g), "gender": gen, "ethnic_group": grp, "count": str(n)}
        for m, g, gen, grp, n in lines
    ]
    save_survey(
        admin,
        survey,
        lines=values,
        reasons={},
        causes={},
        supported=0,
        support_note="",
        submit=True,
    )


def test_surveys_feed_the_report_by_grade_gender_and_group_suppressed(make_user, units):
    admin = make_user("admin")
    _survey(
        admin,
        units["a"],
        [
            ("returned", 7, "female", "Thái", 6),
            ("returned", 8, "male", "Dao", 2),
            ("dropped_out", 7, "male", "Thái", 3),
        ],
    )
    _survey(admin, units["b"], [("returned", 7, "female", "Thái", 1)])
    _survey(admin, units["school"], [("returned", 7, "female", "Thái", 100)])  # inside huyện A
    _survey(admin, units["b"], [("returned", 9, "male", "Kinh", 50)], period="mid_term")
    report = data.build("year_end", FIRST, LAST, units["province"])
    grade = report.table("survey_grade")
    assert grade.rows == ["Lớp 7", "Lớp 8"]
    assert grade.cols == ["Không ra lớp", "Đã trở lại lớp", "Đã bỏ học"]
    assert grade.raw(0, 1) == 7 and grade.raw(1, 1) == 2 and grade.raw(2, 1) == 9
    # 2 returned in grade 8 is hidden, and so is another figure of that column: 9 − 7 would
    # give it away.
    assert grade.value(1, 1) == HIDDEN
    assert [grade.value(r, 1) for r in (0, 2)].count(HIDDEN) == 1
    group = report.table("survey_group")
    assert group.rows == ["Thái", "Dân tộc khác"]  # Dao (2 students) goes with the others
    assert group.raw(0, 1) == 7 and group.value(1, 1) == HIDDEN
    gender = report.table("survey_gender")
    assert gender.rows == ["Nữ", "Nam"]
    for table in (grade, group, gender):
        for c in range(len(table.cols)):
            column = [table.value(r, c) for r in range(len(table.rows) + 1)]
            assert column.count(HIDDEN) != 1, (table.key, column)
            assert all(v == HIDDEN or v >= 5 for v in column)
    mid = data.build("mid_term", FIRST, date(2027, 1, 15), units["province"])
    assert mid.table("survey_grade").rows == ["Lớp 9"]
    assert mid.table("survey_grade").title.startswith("Khảo sát giữa năm")
