"""Entitlements: kinds as admin data with their legal basis, a record per student and year,
the school's confirmation, and the students to follow up."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import DomainError, Forbidden
from app.extensions import db
from students import schoolyear
from students.entitlements.demo import ensure_default_kinds
from students.entitlements.models import Entitlement
from students.entitlements.services import (
    follow_up,
    record_entitlement,
    save_kind,
    update_entitlement,
)

YEAR = schoolyear.current_year()


def _kind(admin, **overrides):
    values = dict(
        code="mien-hp",
        name="Miễn học phí",
        category="tuition_exemption",
        legal_basis="Nghị định 81/2021/NĐ-CP",
        situations=["poor"],
        minority_communes=[],
        active=True,
    )
    values.update(overrides)
    return save_kind(admin, None, **values)


def test_defaults_name_decree_86_and_its_replacement_as_editable_data(make_user):
    kinds = {k.code: k for k in ensure_default_kinds()}
    assert not kinds["mien-hp-86"].active and "86/2015/NĐ-CP" in kinds["mien-hp-86"].legal_basis
    assert kinds["mien-hp-81"].active and "81/2021/NĐ-CP" in kinds["mien-hp-81"].legal_basis
    admin = make_user("admin")
    edited = save_kind(
        admin,
        kinds["mien-hp-81"],
        code="mien-hp-81",
        name="Miễn học phí",
        category="tuition_exemption",
        legal_basis="Văn bản mới thay thế",
        situations=["poor", "near_poor"],
        minority_communes=[],
        active=True,
    )
    assert edited.legal_basis == "Văn bản mới thay thế"
    with pytest.raises(Forbidden):
        _kind(make_user("manager", "a"), code="khac")
    with pytest.raises(DomainError) as err:
        _kind(admin, code="x", legal_basis=" ")
    assert err.value.field == "legal_basis"


def test_receipt_needs_a_confirmation_date_in_the_school_year(make_student, make_user):
    kind = _kind(make_user("admin"))
    student = make_student()
    field = make_user("field", "a")
    values = dict(student_public_id=student.public_id, kind_id=kind.id, school_year=YEAR)
    with pytest.raises(DomainError) as err:
        record_entitlement(field, received=True, confirmed_on=None, **values)
    assert err.value.field == "confirmed_on"
    with pytest.raises(DomainError) as err:
        record_entitlement(field, received=True, confirmed_on=date(2019, 10, 1), **values)
    assert "năm học" in str(err.value.message)
    item = record_entitlement(field, received=False, confirmed_on=None, **values)
    with pytest.raises(DomainError):  # one per kind and year
        record_entitlement(field, received=False, confirmed_on=None, **values)
    day = schoolyear.bounds(YEAR)[0]
    update_entitlement(field, item, received=True, confirmed_on=day, confirmed_by="Kế toán")
    assert item.received and item.confirmed_on == day
    with pytest.raises(Forbidden):
        update_entitlement(make_user("field", "b"), item, received=False, confirmed_on=None)


def test_follow_up_lists_eligible_students_without_a_record_or_receipt(
    make_student, make_user, places
):
    admin = make_user("admin")
    poor = _kind(admin)
    boarding = _kind(
        admin,
        code="ban-tru",
        category="boarding",
        situations=[],
        minority_communes=[places["commune_a"].id],
    )
    eligible = make_student(full_name="Lò Thị Nghèo", situations=["poor"], ethnicity="Kinh")
    minority = make_student(full_name="Giàng A Xa", situations=[], ethnicity="H'Mông")
    neither = make_student(full_name="Hà Văn Đủ", situations=[], ethnicity="Kinh")
    field = make_user("field", "a")
    rows = {(r.student.full_name, r.kind.code) for r in follow_up(field, YEAR)}
    assert ("Lò Thị Nghèo", "mien-hp") in rows and ("Giàng A Xa", "ban-tru") in rows
    assert not any(name == neither.full_name for name, _ in rows)
    assert ("Lò Thị Nghèo", "ban-tru") not in rows  # Kinh: boarding rule is for minorities
    item = record_entitlement(
        field,
        student_public_id=eligible.public_id,
        kind_id=poor.id,
        school_year=YEAR,
        received=False,
        confirmed_on=None,
    )
    still = [r for r in follow_up(field, YEAR) if r.student.id == eligible.id]
    assert still and still[0].record is item  # recorded but not received: still followed
    update_entitlement(field, item, received=True, confirmed_on=schoolyear.bounds(YEAR)[0])
    assert not [r for r in follow_up(field, YEAR) if r.student.id == eligible.id]
    assert not follow_up(make_user("field", "b"), YEAR)  # huyện B sees none of A
    assert boarding.id and minority.id


def test_pages_record_confirm_and_follow_up(client, make_student, make_user, login_as):
    kind = _kind(make_user("admin"))
    student = make_student(situations=["poor"])
    db.session.commit()
    login_as("field", "a")
    follow = client.get(f"/quan-tri/che-do/can-theo-doi?year={YEAR}")
    assert follow.status_code == 200 and student.full_name in follow.text
    data = {
        "student": student.public_id,
        "kind": str(kind.id),
        "school_year": YEAR,
        "received": "y",
        "confirmed_on": "",
    }
    refused = client.post("/quan-tri/che-do/moi", data=data)
    assert refused.status_code == 422 and "ngày nhà trường xác nhận" in refused.text
    data["confirmed_on"] = schoolyear.bounds(YEAR)[0].isoformat()
    assert client.post("/quan-tri/che-do/moi", data=data).status_code == 302
    listing = client.get(f"/quan-tri/che-do/?year={YEAR}")
    assert student.full_name in listing.text and "Miễn học phí" in listing.text
    assert student.full_name not in client.get(f"/quan-tri/che-do/can-theo-doi?year={YEAR}").text
    item = db.session.execute(select(Entitlement)).scalar_one()
    page = client.get(f"/quan-tri/che-do/{item.id}")
    assert "81/2021" in page.text
    assert client.get("/quan-tri/che-do/loai").status_code == 403  # kinds: admin only
