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


def _values(survey):
    return dict(
        counts={m: dict(row) for m, row in survey.counts.items()},
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
    assert survey.causes["economic"] == 1
    again = start_survey(make_user("field", "a"), units["a"].id, YEAR, "mid_term")
    assert again is survey
    with pytest.raises(Forbidden):
        start_survey(make_user("field", "b"), units["a"].id, YEAR, "mid_term")


def test_a_count_below_the_registry_needs_a_reason(make_student, make_user, units):
    _dropped(make_student, make_user, "Lò Thị Một")
    field = make_user("field", "a")
    survey = start_survey(field, units["a"].id, YEAR, "mid_term")
    values = _values(survey)
    values["counts"]["dropped_out"] = dict.fromkeys(values["counts"]["dropped_out"], 0)
    with pytest.raises(DomainError) as err:
        save_survey(field, survey, submit=False, **values)
    assert err.value.field == "reason_dropped_out" and "lý do" in str(err.value.message)
    values["reasons"] = {"dropped_out": "Em đã chuyển về tỉnh khác, danh sách chưa cập nhật"}
    save_survey(field, survey, submit=True, **values)
    assert survey.status == SurveyStatus.submitted and survey.reasons["dropped_out"]
    with pytest.raises(DomainError):
        save_survey(field, survey, submit=False, **values)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (
            {
                "total": 1,
                "female": 2,
                "male": 0,
                "primary": 1,
                "lower": 0,
                "upper": 0,
                "minority": 0,
            },
            "out_of_class_total",
        ),
        (
            {
                "total": 3,
                "female": 1,
                "male": 1,
                "primary": 1,
                "lower": 0,
                "upper": 0,
                "minority": 0,
            },
            "out_of_class_total",
        ),
        ({"total": "-1"}, "out_of_class_total"),
        ({"total": "abc"}, "out_of_class_total"),
    ],
)
def test_inconsistent_counts_are_refused(make_user, units, row, field):
    survey = start_survey(make_user("field", "a"), units["a"].id, YEAR, "year_end")
    values = _values(survey)
    values["counts"]["out_of_class"] = row
    with pytest.raises(DomainError) as err:
        save_survey(make_user("field", "a"), survey, submit=False, **values)
    assert err.value.field == field


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
    refused = client.post(url, data={"dropped_out_total": "0", "action": "save"})
    assert refused.status_code == 422 and "vui lòng ghi lý do" in refused.text
    form = {
        "dropped_out_total": "1",
        "dropped_out_female": "1",
        "dropped_out_lower": "1",
        "dropped_out_minority": "1",
        "action": "submit",
    }
    assert client.post(url, data=form).status_code == 302
    assert "Đã gửi" in client.get(url).text
    assert client.get(f"/quan-tri/khao-sat/tong-hop?year={YEAR}").status_code == 403  # field
