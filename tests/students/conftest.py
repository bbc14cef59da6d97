"""Fixtures for the students tests: schools and communes in the test units, a student factory."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.units.models import Commune, School
from students.registry.services import StudentData, create_student


@pytest.fixture
def places(units) -> dict:
    """A commune and a school in huyện A, another pair in huyện B."""
    ca = Commune(name="Xã Thử Nghiệm A", unit_id=units["a"].id)
    cb = Commune(name="Xã Thử Nghiệm B", unit_id=units["b"].id)
    db.session.add_all([ca, cb])
    db.session.flush()
    sa = School(
        name="Trường THCS Thử Nghiệm A", level="thcs", commune_id=ca.id, unit_id=units["school"].id
    )
    sb = School(
        name="Trường THCS Thử Nghiệm B", level="thcs", commune_id=cb.id, unit_id=units["b"].id
    )
    db.session.add_all([sa, sb])
    db.session.commit()
    return {"commune_a": ca, "commune_b": cb, "school_a": sa, "school_b": sb}


def student_data(places, units, **overrides) -> StudentData:
    """An invented child in huyện A unless told otherwise."""
    values = dict(
        full_name="Lò Thị Thử",
        birth_date=date(2013, 4, 12),
        gender="female",
        ethnicity="Thái",
        school_id=places["school_a"].id,
        grade=7,
        class_name="7A",
        commune_id=places["commune_a"].id,
        guardian_name="Lò Văn Giám",
        guardian_phone="0912 345 678",
        situations=["poor"],
        distance_km=6,
        absences=10,
        unit_id=units["a"].id,
    )
    values.update(overrides)
    return StudentData(**values)


@pytest.fixture
def make_student(places, units, make_user):
    """Factory: a committed student made through the service by an admin."""
    author = {}

    def factory(**overrides):
        if "admin" not in author:
            author["admin"] = make_user("admin")
        student = create_student(author["admin"], student_data(places, units, **overrides))
        db.session.commit()
        return student

    return factory
