"""Consent, household visits, visits due, risk scores and weights, outcomes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app import uow
from app.errors import DomainError
from app.extensions import db
from students.care import risk
from students.care.models import ConsentScope, Outcome
from students.care.services import (
    add_visit,
    record_consent,
    record_outcomes,
    visits_due,
    withdraw_consent,
)
from students.privacy import current_scope, public_view
from tests.conftest import login
from tests.fixtures.students import consent_with_scan


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(out, "PNG")
    return out.getvalue()


def test_consent_needs_the_child_from_age_seven_and_can_be_withdrawn(make_student, make_user, app):
    student = make_student()  # born 2013: well over 7
    field = make_user("field", "a")
    with pytest.raises(DomainError) as err:
        record_consent(
            field,
            student,
            guardian_name="Lò Văn Giám",
            given_on=date(2026, 9, 1),
            scope="basic",
            child_agreed=False,
        )
    assert "7 tuổi" in err.value.message
    consent = record_consent(
        field,
        student,
        guardian_name="Lò Văn Giám",
        given_on=date(2026, 9, 1),
        scope="named",
        child_agreed=True,
        scan=_png(),
        scan_name="giay.png",
    )
    assert current_scope(student) == ConsentScope.named
    assert (
        Path(app.config["PRIVATE_FOLDER"])
        in (Path(app.config["PRIVATE_FOLDER"]) / consent.scan_path).parents
    )
    assert "static" not in consent.scan_path
    withdraw_consent(field, consent, date.today())
    assert public_view(student) is None
    with pytest.raises(DomainError):
        withdraw_consent(field, consent, date.today())


def test_consent_scan_is_served_only_through_the_checked_view(client, make_student, make_user, app):
    consent = consent_with_scan(make_user("admin"), make_student())
    uow.commit()  # the scan is written after the commit
    url = f"/quan-tri/hoc-sinh/dong-y/{consent.id}/ban-quet"
    assert client.get(url).status_code == 302  # to the login page
    login(client, make_user("manager", "a"))
    assert client.get(url).status_code == 200
    other = app.test_client()
    login(other, make_user("manager", "b"))
    # Another unit's scan answers like one that does not exist (issue 13 item 6).
    assert other.get(url).status_code == 404


def test_visit_rules_and_visits_due(make_student, make_user):
    student = make_student(absences=0, distance_m=0, situations=[])
    field = make_user("field", "a")
    with pytest.raises(DomainError) as err:
        add_visit(
            field, student, visited_on=date.today() + timedelta(days=1), visitors="Tổ công tác"
        )
    assert "tương lai" in err.value.message
    with pytest.raises(DomainError):
        add_visit(field, student, visited_on=date.today(), visitors=" ")
    with pytest.raises(DomainError):
        add_visit(
            field, student, visited_on=date.today(), visitors="Tổ", next_visit_on=date.today()
        )
    assert student.risk_score == 0
    add_visit(
        field,
        student,
        visited_on=date.today(),
        visitors="Tổ công tác",
        causes=["economic", "distance"],
        next_visit_on=date.today() + timedelta(days=5),
    )
    db.session.commit()
    assert student.risk_score == 2  # one point per cause of the latest visit
    due = list(db.session.execute(visits_due(field, date.today() + timedelta(days=14))).scalars())
    assert [v.student_id for v in due] == [student.id]
    assert not list(
        db.session.execute(
            visits_due(make_user("manager", "b"), date.today() + timedelta(days=14))
        ).scalars()
    )


def test_risk_score_explains_itself_and_admin_weights_recompute(make_student, make_user, client):
    student = make_student(
        situations=["poor", "orphan"], distance_m=12_000, absences=11, repeated_grade=True
    )
    reasons = {r.key: r.points for r in risk.explain(student)}
    assert reasons == {
        "poor": 3,
        "orphan": 3,
        "distance_5km": 2,
        "distance_10km": 2,
        "absence_5days": 2,
        "repeated_grade": 2,
    }
    assert student.risk_score == 14
    with pytest.raises(Exception):  # noqa: B017 - Forbidden for non-admins
        risk.save_weights(make_user("manager", "a"), {"poor": 10})
    login(client, make_user("admin"))
    bad = client.post(
        "/quan-tri/hoc-sinh/nguy-co/trong-so", data={k: "1" for k in risk.RULES} | {"poor": "-3"}
    )
    assert bad.status_code == 422 and "số nguyên từ 0 đến 20" in bad.get_data(as_text=True)
    ok = client.post("/quan-tri/hoc-sinh/nguy-co/trong-so", data={k: "1" for k in risk.RULES})
    assert ok.status_code == 302
    db.session.expire_all()
    assert student.risk_score == 1 + 1 + 1 + 1 + 2 + 1
    page = client.get(f"/quan-tri/hoc-sinh/{student.public_id}").get_data(as_text=True)
    assert "Hộ nghèo" in page and "Điểm nguy cơ: 7" in page


def test_outcomes_by_term(make_student, make_user):
    student = make_student()
    manager = make_user("manager", "a")
    with pytest.raises(DomainError) as err:
        record_outcomes(manager, "2026 HK3", {student.id: ("attending", "")})
    assert "2025-2026 HK1" in err.value.message
    assert record_outcomes(manager, "2026-2027 HK1", {student.id: ("attending", "")}) == 1
    assert (
        record_outcomes(
            manager, "2026-2027 HK1", {student.id: ("dropped_out", "Theo gia đình đi làm")}
        )
        == 1
    )
    rows = list(db.session.execute(select(Outcome)).scalars())
    assert len(rows) == 1 and rows[0].status.value == "dropped_out"
