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
        "distance": "12,5",
        "absences": "0",
    }


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("12,5", 12_500, "12,5 km"),
        ("12.5", 12_500, "12,5 km"),
        ("0,75", 750, "0,75 km"),
        ("7", 7_000, "7 km"),
        ("3 km", 3_000, "3 km"),
        ("200", 200_000, "200 km"),
    ],
)
def test_distances_accept_both_decimal_marks_and_are_stored_exactly(
    client, make_user, form, typed, stored, shown
):
    login(client, make_user("field", "a"))
    response = client.post("/quan-tri/hoc-sinh/moi", data={**form, "distance": typed})
    assert response.status_code == 302
    assert db.session.execute(select(Student.distance_m)).scalar_one() == stored
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"<dd>{shown} · " in detail
    # Editing shows what was typed, in the same notation, and saving it again changes nothing.
    edit = client.get(response.headers["Location"] + "/sua").get_data(as_text=True)
    value = re.search(r'<input[^>]*id="distance"[^>]*>', edit).group(0)
    assert f'value="{shown.removesuffix(" km")}"' in value


def test_distance_shows_in_english_with_a_decimal_point(client, make_user, make_student):
    login(client, make_user("field", "a"))
    student = make_student(distance_m=12_500)
    page = client.get(f"/quan-tri/hoc-sinh/{student.public_id}?lang=en").get_data(as_text=True)
    assert "12.5 km" in page and "12,5 km" not in page


ONE_MESSAGE = "Nhập khoảng cách từ 0 đến 200 km, ví dụ 12 hoặc 12,5."


@pytest.mark.parametrize("typed", ["250", "200,001", "abc", "-3", "12,5,1", "1e3", "12,5678"])
def test_bad_distance_has_one_message_in_the_summary(client, make_user, form, typed):
    login(client, make_user("field", "a"))
    response = client.post("/quan-tri/hoc-sinh/moi", data={**form, "distance": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#distance"' in summary and ONE_MESSAGE in summary
    assert html.count(ONE_MESSAGE) == 2  # once in the summary, once under the field
    assert db.session.execute(select(Student.id)).first() is None


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
