"""The student registry: validation, duplicates, search, scope, timeline, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db
from app.public_ids import CROCKFORD
from students.registry.codes import name_key
from students.registry.models import Student, StudentStatus
from students.registry.services import change_status, create_student, get_student, search
from tests.conftest import login
from tests.fixtures.students import student_data


def _count() -> int:
    return db.session.execute(select(func.count(Student.id))).scalar_one()


def test_public_id_is_hs_and_crockford(make_student):
    student = make_student()
    assert student.public_id.startswith("HS-")
    code = student.public_id[3:]
    assert len(code) == 5 and all(ch in CROCKFORD for ch in code)
    assert student.account == f"student:{student.public_id}"


def test_name_key_ignores_diacritics_case_and_spacing():
    assert name_key("  Lò  Thị   Thử ") == name_key("lo thi thu") == "lo thi thu"
    assert name_key("Đặng Đức") == "dang duc"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"birth_date": date.today() + timedelta(days=3)}, "birth_date", "tương lai"),
        ({"birth_date": date(1950, 1, 1)}, "birth_date", "không hợp lý"),
        ({"grade": 13}, "grade", "1 đến 12"),
        ({"grade": 0}, "grade", "1 đến 12"),
        ({"guardian_phone": "12345"}, "guardian_phone", "điện thoại"),
        ({"full_name": " "}, "full_name", "họ và tên"),
        ({"distance_m": -1}, "distance", "0 đến 200 km"),
        ({"distance_m": 200_001}, "distance", "0 đến 200 km"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(places, units, make_user, overrides, field, words):
    admin = make_user("admin")
    with pytest.raises(DomainError) as err:
        create_student(admin, student_data(places, units, **overrides))
    assert err.value.field == field
    assert words in err.value.message
    db.session.rollback()
    assert _count() == 0


def test_duplicate_with_other_spelling_is_refused(make_student, places, units, make_user):
    first = make_student(full_name="Lò Thị Thử")
    with pytest.raises(Conflict) as err:
        create_student(make_user("admin"), student_data(places, units, full_name="lo  thi THU"))
    assert first.public_id in err.value.message
    db.session.rollback()
    assert _count() == 1
    # Same name and birth date at another school is another child.
    make_student(full_name="Lò Thị Thử", school_id=places["school_b"].id, unit_id=units["b"].id)
    assert _count() == 2


def test_field_member_cannot_file_a_student_in_another_district(places, units, make_user):
    field = make_user("field", "a")
    with pytest.raises(Forbidden):
        create_student(field, student_data(places, units, unit_id=units["b"].id))


def test_search_filters_and_scope(make_student, places, units, make_user):
    make_student(full_name="Giàng A Một", grade=6, absences=0, situations=[], distance_m=0)
    make_student(full_name="Sùng Thị Hai", grade=9, status="dropped_out")
    make_student(full_name="Vàng Seo Ba", school_id=places["school_b"].id, unit_id=units["b"].id)
    admin = make_user("admin")
    names = lambda stmt: [s.full_name for s in db.session.execute(stmt).scalars()]  # noqa: E731
    assert len(names(search(admin))) == 3
    assert names(search(admin, q="sung thi")) == ["Sùng Thị Hai"]
    assert names(search(admin, grade=6)) == ["Giàng A Một"]
    assert names(search(admin, status="dropped_out")) == ["Sùng Thị Hai"]
    assert names(search(admin, school_id=places["school_b"].id)) == ["Vàng Seo Ba"]
    assert names(search(admin, unit_id=units["b"].id)) == ["Vàng Seo Ba"]
    ranked = names(search(admin, order="risk"))
    assert ranked[-1] == "Giàng A Một"  # no risk factors at all
    assert "Giàng A Một" not in names(search(admin, min_risk=1))
    manager_a = make_user("manager", "a")
    assert "Vàng Seo Ba" not in names(search(manager_a))
    assert len(names(search(manager_a))) == 2


def test_reading_a_file_is_audited_and_out_of_scope_is_forbidden(
    make_student, make_user, units, places
):
    student = make_student(school_id=places["school_b"].id, unit_id=units["b"].id)
    auditor = make_user("auditor")
    get_student(auditor, student.public_id)
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "student.view")
    ).scalar_one()
    assert entry.target_id == student.public_id and entry.actor_id == auditor.id
    with pytest.raises(Forbidden):
        get_student(make_user("manager", "a"), student.public_id)
    with pytest.raises(Forbidden):
        get_student(make_user("treasurer"), student.public_id)


def test_status_timeline_is_dated(make_student, make_user):
    student = make_student()
    admin = make_user("admin")
    change_status(
        admin, student, "not_attending", date.today() - timedelta(days=30), "Nghỉ dài ngày"
    )
    # A back-dated step joins the timeline but the latest dated step stays current.
    assert student.status == StudentStatus.at_risk
    change_status(admin, student, "returned", date.today())
    assert student.status == StudentStatus.returned
    steps = sorted(student.history, key=lambda s: (s.on, s.id))
    assert [s.status.value for s in steps] == ["not_attending", "at_risk", "returned"]
    with pytest.raises(DomainError) as err:
        change_status(admin, student, "graduated", date.today() + timedelta(days=1))
    assert "tương lai" in err.value.message


def test_form_add_student_and_errors(client, make_user, places, units):
    user = make_user("field", "a")
    login(client, user)
    form = {
        "full_name": "Mùa Thị Lan",
        "birth_date": "31/02/2014",
        "gender": "female",
        "school_id": places["school_a"].id,
        "grade": "14",
        "unit_id": units["a"].id,
        "status": "at_risk",
        "distance": "3",
        "absences": "0",
    }
    bad = client.post("/quan-tri/hoc-sinh/moi", data=form)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Ngày không hợp lệ" in text and "Khối lớp phải từ 1 đến 12" in text
    assert _count() == 0
    form.update(birth_date="2014-02-20", grade="8", situations=["poor", "orphan"])
    ok = client.post("/quan-tri/hoc-sinh/moi", data=form)
    assert ok.status_code == 302
    student = db.session.execute(select(Student)).scalar_one()
    assert student.situations == ["orphan", "poor"] and student.unit_id == units["a"].id
    page = client.get(ok.headers["Location"])
    assert "Mùa Thị Lan" in page.get_data(as_text=True) and "Mồ côi" in page.get_data(as_text=True)
    again = client.post("/quan-tri/hoc-sinh/moi", data={**form, "full_name": "mua thi  lan"})
    assert again.status_code == 422 and "đã có trong danh sách" in again.get_data(as_text=True)


def test_list_paginates_and_shows_empty_state(client, login_as, make_student):
    login_as("admin")
    assert "Không có học sinh nào" in client.get("/quan-tri/hoc-sinh/").get_data(as_text=True)
    for n in range(27):
        make_student(full_name=f"Học Sinh Số {n:02d}")
    first = client.get("/quan-tri/hoc-sinh/").get_data(as_text=True)
    assert "Trang 1 / 2" in first and "Học Sinh Số 00" in first and "Học Sinh Số 26" not in first
    assert "Học Sinh Số 26" in client.get("/quan-tri/hoc-sinh/?page=2").get_data(as_text=True)


def test_pages_have_an_english_catalog(client, login_as):
    login_as("admin")
    client.get("/ngon-ngu/en")
    text = client.get("/quan-tri/hoc-sinh/").get_data(as_text=True)
    assert "Students needing support" in text and "No student matches the filters." in text
