"""Surveys: pre-filled from the registry and visits, refused below the registry without a
reason, submitted once, consolidated by the province without counting a unit twice."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import DomainError, Forbidden
from app.extensions import db
from students.care.services import add_visit
from students.registry.services import change_status
from students.surveys.models import SurveyStatus
from students.surveys.services import consolidate, save_survey, start_survey

YEAR = "2026-2027"


def _dropped(make_student, make_user, name, **fields):
    student = make_student(full_name=name, **fields)
    change_status(make_user("admin"), student, "dropped_out", on=date.today(), note="")
    return student


def _lines(survey) -> list[dict]:
    return [
        {
            "measure": line.measure,
            "grade": str(line.grade),
            "gender": line.gender.value,
            "ethnic_group": line.ethnic_group,
            "count": str(line.count),
        }
        for line in survey.lines
    ]


def _values(survey):
    return dict(
        lines=_lines(survey),
        reasons={},
        causes=dict(survey.causes),
        supported=survey.supported,
        support_note="Gạo và sách",
    )


def test_a_survey_starts_from_the_registry_and_visits(make_student, make_user, units):
    s1 = _dropped(make_student, make_user, "Lò Thị Một", ethnicity="Thái")
    _dropped(make_student, make_user, "Lò Văn Hai", gender="male", grade=10, ethnicity="Kinh")
    add_visit(
        make_user("field", "a"),
        s1,
        visited_on=date(2026, 10, 2),
        visitors="Tổ",
        causes=["economic"],
    )
    survey = start_survey(make_user("field", "a"), units["a"].id, YEAR, "mid_term")
    assert survey.counts["dropped_out"] == {
        "total": 2,
        "female": 1,
        "male": 1,
        "primary": 0,
        "lower": 1,
        "upper": 1,
        "minority": 1,
    }
    assert {line.key: line.count for line in survey.lines} == {
        ("dropped_out", 7, "female", "Thái"): 1,
        ("dropped_out", 10, "male", "Kinh"): 1,
    }
    assert survey.causes["economic"] == 1
    survey.lines.clear()  # a draft started before surveys had lines
    db.session.flush()
    again = start_survey(make_user("field", "a"), units["a"].id, YEAR, "mid_term")
    assert again is survey and len(again.lines) == 2
    with pytest.raises(Forbidden):
        start_survey(make_user("field", "b"), units["a"].id, YEAR, "mid_term")


def test_a_count_below_the_registry_needs_a_reason(make_student, make_user, units):
    _dropped(make_student, make_user, "Lò Thị Một")
    field = make_user("field", "a")
    survey = start_survey(field, units["a"].id, YEAR, "mid_term")
    values = _values(survey)
    values["lines"][0]["count"] = "0"
    with pytest.raises(DomainError) as err:
        save_survey(field, survey, submit=False, **values)
    assert err.value.field == "reason_dropped_out"
    assert str(err.value.message) == (
        "Lớp 7 · nữ · Thái: 0 học sinh, thấp hơn danh sách đã xác nhận (1): vui lòng ghi lý do."
    )
    left_out = dict(values, lines=[])  # a line left out counts 0: refused just the same
    with pytest.raises(DomainError) as err:
        save_survey(field, survey, submit=False, **left_out)
    assert err.value.field == "reason_dropped_out"
    values["reasons"] = {"dropped_out": "Em đã chuyển về tỉnh khác, danh sách chưa cập nhật"}
    save_survey(field, survey, submit=True, **values)
    assert survey.status == SurveyStatus.submitted and survey.reasons["dropped_out"]
    with pytest.raises(DomainError):
        save_survey(field, survey, submit=False, **values)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"grade": "13"}, "line-0-grade", "Lớp phải từ 1 đến 12."),
        ({"gender": "unknown"}, "line-0-gender", "Vui lòng chọn giới tính."),
        ({"count": "-1"}, "line-0-count", "Số phải là số nguyên từ 0 đến 100000."),
        ({"count": "abc"}, "line-0-count", "Số phải là số nguyên từ 0 đến 100000."),
        ({"ethnic_group": "x" * 41}, "line-0-group", "Tên dân tộc tối đa 40 ký tự."),
    ],
)
def test_impossible_lines_are_refused(make_user, units, change, field, message):
    survey = start_survey(make_user("field", "a"), units["a"].id, YEAR, "year_end")
    values = _values(survey)
    values["lines"] = [
        {"measure": "out_of_class", "grade": "3", "gender": "male", "count": "2", **change}
    ]
    with pytest.raises(DomainError) as err:
        save_survey(make_user("field", "a"), survey, submit=False, **values)
    assert (err.value.field, str(err.value.message)) == (field, message)


def test_a_line_twice_is_refused_and_lines_make_the_summary(make_user, units):
    field = make_user("field", "a")
    survey = start_survey(field, units["a"].id, YEAR, "year_end")
    line = {"measure": "returned", "grade": "6", "gender": "female", "ethnic_group": " dao "}
    values = dict(_values(survey), lines=[dict(line, count="2"), dict(line, ethnic_group="Dao")])
    with pytest.raises(DomainError) as err:
        save_survey(field, survey, submit=False, **values)
    assert err.value.field == "line-1-count" and "Lớp 6 · nữ · Dao" in str(err.value.message)
    values["lines"] = [
        dict(line, count="2"),
        {"measure": "returned", "grade": "11", "gender": "male", "count": "3"},
    ]
    save_survey(field, survey, submit=False, **values)
    assert survey.counts["returned"] == {
        "total": 5,
        "female": 2,
        "male": 3,
        "primary": 0,
        "lower": 2,
        "upper": 3,
        "minority": 2,
    }


def test_the_province_consolidates_without_counting_a_unit_twice(make_student, make_user, units):
    _dropped(make_student, make_user, "Lò Thị Một")
    _dropped(make_student, make_user, "Vàng Thị Bê", in_b=True)
    admin = make_user("admin")
    district = start_survey(admin, units["a"].id, YEAR, "year_end")
    school = start_survey(admin, units["school"].id, YEAR, "year_end")
    other = start_survey(admin, units["b"].id, YEAR, "year_end")
    for survey in (district, school, other):
        save_survey(admin, survey, submit=True, **_values(survey))
    result = consolidate(admin, YEAR, "year_end")
    assert {s.unit_id for s in result.surveys} == {units["a"].id, units["b"].id}
    assert result.counts["dropped_out"]["total"] == 2
    assert result.lines == {("dropped_out", 7, "female", "Thái"): 2}
    assert result.missing == []


def test_pages_fill_and_submit(client, make_student, make_user, login_as, units):
    _dropped(make_student, make_user, "Lò Thị Một")
    db.session.commit()
    login_as("field", "a")
    started = client.post(
        "/quan-tri/khao-sat/bat-dau",
        data={"unit_id": units["a"].id, "school_year": YEAR, "period": "mid_term"},
    )
    assert started.status_code == 302
    url = started.headers["Location"]
    page = client.get(url)
    assert "Danh sách đã xác nhận: 1 học sinh" in page.text
    assert "Lớp 7 · nữ · Thái" in page.text
    line = {
        "line-0-measure": "dropped_out",
        "line-0-grade": "7",
        "line-0-gender": "female",
        "line-0-group": "Thái",
    }
    refused = client.post(url, data={**line, "line-0-count": "0", "action": "save"})
    assert refused.status_code == 422 and "vui lòng ghi lý do" in refused.text
    added = {  # a blank added line is left out; a filled one is kept
        "line-1-measure": "returned",
        "line-1-new": "1",
        "line-1-grade": "1",
        "line-1-gender": "male",
        "line-1-count": "",
        "line-2-measure": "returned",
        "line-2-new": "1",
        "line-2-grade": "9",
        "line-2-gender": "male",
        "line-2-group": "Tày",
        "line-2-count": "4",
    }
    form = {**line, "line-0-count": "1", **added, "action": "submit"}
    assert client.post(url, data=form).status_code == 302
    shown = client.get(url).text
    assert "Đã gửi" in shown and "Tày" in shown
    assert client.get(f"/quan-tri/khao-sat/tong-hop?year={YEAR}").status_code == 403  # field


def test_the_consolidated_page_shows_grades_and_ethnic_groups(
    client, make_student, make_user, login_as, units
):
    _dropped(make_student, make_user, "Lò Thị Một")
    _dropped(make_student, make_user, "Vàng Thị Bê", in_b=True, grade=3, ethnicity="")
    admin = make_user("admin")
    for unit in (units["a"], units["b"]):
        survey = start_survey(admin, unit.id, YEAR, "year_end")
        save_survey(admin, survey, submit=True, **_values(survey))
    db.session.commit()
    login_as("admin")
    page = client.get(f"/quan-tri/khao-sat/tong-hop?year={YEAR}&period=year_end").text
    grades = page.split("Theo lớp")[1].split("Theo dân tộc")[0]
    assert ">3</th>" in grades and ">7</th>" in grades
    groups = page.split("Theo dân tộc")[1]
    assert ">Thái</th>" in groups and ">chưa ghi</th>" in groups


def test_a_child_recorded_after_the_start_shows_on_the_form(
    client, make_student, make_user, login_as, units
):
    field = make_user("field", "a")
    survey = start_survey(field, units["a"].id, YEAR, "mid_term")
    _dropped(make_student, make_user, "Lò Văn Mới", gender="male", grade=4, ethnicity="Dao")
    db.session.commit()
    login_as("field", "a")
    page = client.get(f"/quan-tri/khao-sat/{survey.id}").text
    assert "Lớp 4 · nam · Dao" in page and "(danh sách: 1)" in page
