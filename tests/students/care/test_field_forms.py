"""Field forms on a phone: errors first, decimal distances, four-digit years, the visitor
filled in, table headers whole."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from students.registry.models import Student
from tests.conftest import login


@pytest.fixture
def form(places, units):
    return {
        "full_name": "Sùng Thị Đo",
        "birth_date": "2014-02-20",
        "gender": "female",
        "school_id": places["school_a"].id,
        "grade": "8",
        "unit_id": units["a"].id,
        "status": "at_risk",
        "distance_km": "12,5",
        "absences": "0",
    }


@pytest.mark.parametrize(
    ("typed", "stored"), [("12,5", 13), ("12.5", 13), ("12,4", 12), ("7", 7), ("3 km", 3)]
)
def test_distances_accept_decimals(client, make_user, form, typed, stored):
    login(client, make_user("field", "a"))
    response = client.post("/quan-tri/hoc-sinh/moi", data={**form, "distance_km": typed})
    assert response.status_code == 302
    assert db.session.execute(select(Student.distance_km)).scalar_one() == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("250", "Từ 0 đến 200 km."), ("abc", "Nhập số km, ví dụ 12 hoặc 12,5."), ("-3", "Nhập số km")],
)
def test_bad_distance_has_one_message_in_the_summary(client, make_user, form, typed, message):
    login(client, make_user("field", "a"))
    response = client.post("/quan-tri/hoc-sinh/moi", data={**form, "distance_km": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#distance_km"' in summary and message in summary
    assert html.count(message) == 2  # once in the summary, once under the field
    assert "Từ 0 đến 200 km.\n" not in html.split("data-error-summary", 1)[0]


def test_visit_form_names_the_signed_in_user_and_dates_have_four_digits(
    client, make_user, make_student
):
    user = make_user("field", "a")
    student = make_student()
    login(client, user)
    page = client.get(f"/quan-tri/hoc-sinh/{student.public_id}/tham").get_data(as_text=True)
    visitors = re.search(r'<input[^>]*id="visitors"[^>]*>', page).group(0)
    assert f'value="{user.display_name}"' in visitors
    detail = client.get(f"/quan-tri/hoc-sinh/{student.public_id}").get_data(as_text=True)
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", detail)
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2}\b(?!\d)", detail)
