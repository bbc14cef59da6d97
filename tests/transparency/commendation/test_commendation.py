"""Commendation: units and people ranked by their figures, edited, printed."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import DomainError, Forbidden
from app.extensions import db
from students import schoolyear
from students.activities.services import ActivityData, save_activity
from students.care.services import add_visit
from students.peer.services import create_pair, record_result
from students.registry.services import change_status
from tests.fixtures.documents import pdf_text
from transparency.commendation.models import CommendationList
from transparency.commendation.services import create_list, edit_entries

YEAR = schoolyear.current_year()
FIRST, LAST = schoolyear.bounds(YEAR)


def _work(make_student, make_user, units):
    field = make_user("field", "a")
    admin = make_user("admin")
    for i in range(3):
        s = make_student(full_name=f"Lò Thị Tuyên {chr(65 + i)}")
        change_status(admin, s, "returned", on=date.today())
        add_visit(field, s, visited_on=date(2026, 10, 2), visitors="Tổ")
    pair = create_pair(
        field,
        student_public_id=s.public_id,
        school_year=YEAR,
        model="study",
        helpers=[("An", "7A")],
        follower="Cô Lan",
        started_on=FIRST,
    )
    record_result(
        field, pair, term="HK1", days_absent=0, grades_improved=True, still_in_school=True
    )
    b = make_student(full_name="Vàng Thị Bê", in_b=True)
    change_status(admin, b, "returned", on=date.today())
    save_activity(
        make_user("field", "b"),
        None,
        ActivityData(
            unit_id=units["b"].id,
            kind="drive",
            title="Vận động",
            held_on=date(2026, 9, 1),
            place="Xã",
        ),
    )
    return field


def test_units_and_people_are_ranked_with_their_figures(make_student, make_user, units):
    field = _work(make_student, make_user, units)
    item = create_list(
        make_user("admin"), title="Tổng kết", first=FIRST, last=LAST, unit_id=units["province"].id
    )
    unit_rows = [e for e in item.entries if e.kind == "unit"]
    assert [e.name for e in unit_rows] == [units["a"].name, units["b"].name]
    assert unit_rows[0].figures == {"returned": 3, "visits": 3, "pairs_ok": 1}
    assert unit_rows[0].score > unit_rows[1].score
    people = {e.name: e.figures for e in item.entries if e.kind == "person"}
    assert people[field.display_name] == {"visits": 3}
    assert people["Cô Lan"] == {"pairs_ok": 1}
    assert not any("Lò Thị Tuyên" in e.name for e in item.entries)  # children are never listed


def test_edits_are_checked_and_a_manager_stays_in_scope(make_student, make_user, units):
    _work(make_student, make_user, units)
    admin = make_user("admin")
    item = create_list(
        admin, title="Tổng kết", first=FIRST, last=LAST, unit_id=units["province"].id
    )
    entry = item.entries[0]
    with pytest.raises(DomainError):
        edit_entries(admin, item, {entry.id: {"position": "0", "included": True}})
    with pytest.raises(Forbidden):
        create_list(
            make_user("manager", "b"), title="X", first=FIRST, last=LAST, unit_id=units["a"].id
        )
    with pytest.raises(DomainError) as err:
        create_list(admin, title="X", first=LAST, last=FIRST, unit_id=units["a"].id)
    assert err.value.field == "last"


def test_the_list_is_edited_and_prints(client, make_student, make_user, login_as, units):
    _work(make_student, make_user, units)
    db.session.commit()
    login_as("admin")
    made = client.post(
        "/quan-tri/tuyen-duong/moi",
        data={
            "title": "Tuyên dương năm học",
            "first": FIRST.isoformat(),
            "last": LAST.isoformat(),
            "unit_id": units["province"].id,
        },
    )
    assert made.status_code == 302
    url = made.headers["Location"]
    page = client.get(url)
    assert page.status_code == 200 and units["a"].name in page.text
    item = db.session.query(CommendationList).one()
    a, b = [e for e in item.entries if e.kind == "unit"]
    form = {f"in_{e.id}": "y" for e in item.entries if e.id != a.id}
    form |= {f"pos_{e.id}": str(e.position) for e in item.entries}
    form[f"cite_{b.id}"] = "Đơn vị tích cực vận động học sinh"
    assert client.post(url, data=form).status_code == 302
    printed = client.get(f"{url}/in")
    assert printed.status_code == 200
    assert "Đơn vị tích cực vận động học sinh" in printed.text and units["b"].name in printed.text
    units_part = printed.text.split("Cá nhân")[0]
    assert units["a"].name not in units_part  # left out before printing
    assert "data-print" in printed.text and "<script>" not in printed.text


def test_the_list_prints_as_a_pdf_in_the_edited_order_with_its_figures(
    client, make_student, make_user, login_as, units
):
    field = _work(make_student, make_user, units)
    item = create_list(
        make_user("admin"),
        title="Tuyên dương năm học",
        first=FIRST,
        last=LAST,
        unit_id=units["province"].id,
    )
    a, b = [e for e in item.entries if e.kind == "unit"]
    people = {e.name: e for e in item.entries if e.kind == "person"}
    changes = {e.id: {"included": True, "position": e.position} for e in item.entries}
    changes[a.id]["position"], changes[b.id]["position"] = 2, 1  # B read first
    changes[b.id]["citation"] = "Đơn vị tích cực vận động học sinh"
    changes[people["Cô Lan"].id]["included"] = False
    edit_entries(make_user("admin"), item, changes)
    db.session.commit()
    login_as("auditor")
    response = client.get(f"/quan-tri/tuyen-duong/{item.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    with open("/tmp/i14_commendation.pdf", "wb") as fh:  # to look at it rendered
        fh.write(response.data)
    assert "Tuyên dương năm học" in text
    units_part, people_part = text.split("Cá nhân")
    assert units_part.index(units["b"].name) < units_part.index(units["a"].name)
    assert "Đơn vị tích cực vận động học sinh" in units_part
    assert "Học sinh trở lại lớp: 3" in units_part and "Lần thăm hộ gia đình: 3" in units_part
    assert "Đôi bạn tiến bộ: 1" in units_part and "Hoạt động đã tổ chức: 1" in units_part
    assert field.display_name in people_part and "Lần thăm hộ gia đình: 3" in people_part
    assert "Cô Lan" not in people_part  # left out before printing
    assert "Lò Thị Tuyên" not in text
    client.post("/dang-xuat")
    login_as("field", "a")
    assert client.get(f"/quan-tri/tuyen-duong/{item.id}/pdf").status_code == 403
