"""Peer-support pairs: recorded with helpers by first name and class, refused when impossible,
listed by school and unit, a result each term."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.errors import DomainError
from app.extensions import db
from students import schoolyear
from students.peer.models import PeerPair
from students.peer.services import create_pair, record_result

YEAR = schoolyear.current_year()


def _pair(actor, student, **overrides):
    values = dict(
        student_public_id=student.public_id,
        school_year=YEAR,
        model="study",
        helpers=[("An", "7A"), ("Thu Hà", "7A")],
        follower="Cô Lan (GVCN 7A)",
        started_on=schoolyear.bounds(YEAR)[0],
    )
    values.update(overrides)
    return create_pair(actor, **values)


def test_a_pair_keeps_helpers_first_name_and_class_and_is_audited(make_student, make_user):
    student = make_student()
    field = make_user("field", "a")
    pair = _pair(field, student)
    assert pair.helpers == [{"name": "An", "class": "7A"}, {"name": "Thu Hà", "class": "7A"}]
    assert pair.school_id == student.school_id and pair.unit_id == student.unit_id
    assert pair.helper_text == "An (7A), Thu Hà (7A)"
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert "student.peer_pair" in actions


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"helpers": [("Thử", "7A")]}, "helpers", "chính học sinh"),
        ({"helpers": [("Nguyễn Văn An", "7A")]}, "helpers", "không ghi họ"),
        ({"helpers": [("An", "")]}, "helpers", "cả tên và lớp"),
        ({"helpers": [("", "")]}, "helpers", "ít nhất một"),
        ({"helpers": [("An", "7A"), ("an", "7A")]}, "helpers", None),
        ({"started_on": date(2020, 9, 5)}, "started_on", "năm học"),
        ({"school_year": "2026-2028"}, "school_year", "2026-2027"),
        ({"model": "other"}, "model_note", "mô hình khác"),
        ({"follower": "  "}, "follower", "theo dõi"),
        ({"student_public_id": "HS-NOPE1"}, "student", "chọn học sinh"),
    ],
)
def test_impossible_pairs_are_refused_with_a_clear_message(
    make_student, make_user, overrides, field, words
):
    student = make_student()
    with pytest.raises(DomainError) as err:
        _pair(make_user("field", "a"), student, **overrides)
    assert err.value.field == field
    if words:
        assert words in str(err.value.message)


def test_a_second_pair_of_the_same_model_and_year_is_refused(make_student, make_user):
    student = make_student()
    field = make_user("field", "a")
    _pair(field, student)
    with pytest.raises(DomainError):
        _pair(field, student)
    other = _pair(field, student, model="to_school")  # another model is fine
    assert other.id


def test_huyen_b_cannot_pair_or_see_huyen_a(client, make_student, make_user, login_as):
    pair = _pair(make_user("field", "a"), make_student())
    db.session.commit()
    with pytest.raises(DomainError):
        _pair(make_user("field", "b"), make_student(full_name="Vàng Thị Khác"))
    login_as("field", "b")
    assert client.get(f"/quan-tri/doi-ban/{pair.id}").status_code == 403
    assert pair.student.full_name not in client.get("/quan-tri/doi-ban/").text


def test_results_each_term_replace_and_refuse_bad_values(make_student, make_user):
    pair = _pair(make_user("field", "a"), make_student())
    field = make_user("field", "a")
    record_result(
        field, pair, term="HK1", days_absent=3, grades_improved=False, still_in_school=True
    )
    record_result(
        field, pair, term="HK1", days_absent=1, grades_improved=True, still_in_school=True
    )
    assert [(r.term, r.days_absent, r.succeeded) for r in pair.results] == [("HK1", 1, True)]
    with pytest.raises(DomainError) as err:
        record_result(
            field, pair, term="HK3", days_absent=1, grades_improved=True, still_in_school=True
        )
    assert err.value.field == "term"
    with pytest.raises(DomainError) as err:
        record_result(
            field, pair, term="HK2", days_absent=-2, grades_improved=True, still_in_school=True
        )
    assert err.value.field == "days_absent"


def test_field_member_records_a_pair_and_its_result_through_the_pages(
    client, make_student, login_as
):
    student = make_student()
    login_as("field", "a")
    form = client.get("/quan-tri/doi-ban/moi")
    assert form.status_code == 200 and student.public_id in form.text
    data = {
        "student": student.public_id,
        "school_year": YEAR,
        "model": "to_school",
        "helper1_name": "Nguyễn Văn An",
        "helper1_class": "7A",
        "follower": "Đoàn viên Hùng",
        "started_on": date.today().isoformat(),
    }
    refused = client.post("/quan-tri/doi-ban/moi", data=data)
    assert refused.status_code == 422 and "không ghi họ" in refused.text
    data["helper1_name"] = "An"
    saved = client.post("/quan-tri/doi-ban/moi", data=data)
    assert saved.status_code == 302
    pair = db.session.execute(select(PeerPair)).scalar_one()
    page = client.get(saved.headers["Location"])
    assert "An (7A)" in page.text and "Giúp bạn đến trường" in page.text
    bad = client.post(
        f"/quan-tri/doi-ban/{pair.id}/ket-qua", data={"term": "HK1", "days_absent": "abc"}
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/quan-tri/doi-ban/{pair.id}/ket-qua",
        data={"term": "HK1", "days_absent": "2", "grades_improved": "y", "still_in_school": "y"},
    )
    assert ok.status_code == 302
    listing = client.get(f"/quan-tri/doi-ban/?year={YEAR}&school={student.school_id}")
    assert student.full_name in listing.text and "tiến bộ" in listing.text
    other_school = client.get(f"/quan-tri/doi-ban/?year={YEAR}&school={student.school_id + 999}")
    assert student.full_name not in other_school.text


def test_the_school_year_spans_mid_august_to_the_end_of_may():
    assert schoolyear.bounds("2026-2027") == (date(2026, 8, 15), date(2027, 5, 31))
    assert schoolyear.year_of(date(2027, 3, 1)) == "2026-2027"
    assert schoolyear.year_of(date(2026, 7, 1)) == "2026-2027"
    with pytest.raises(DomainError):
        schoolyear.check_year("2026/2027")
