"""Distances to school: typed with either decimal mark, kept in metres, shown per language, and
the migration that moved whole km to metres keeps every child's distance."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from students.registry.distance import DistanceError, format_km, parse
from tests.app.test_migrations import _empty_database_url


@pytest.mark.parametrize(
    ("typed", "metres"),
    [
        ("12,5", 12_500),
        ("12.5", 12_500),
        (" 12 km ", 12_000),
        ("12KM", 12_000),
        ("0,125", 125),
        ("0", 0),
        (12.5, 12_500),
        (3, 3_000),
        ("", None),
        (None, None),
    ],
)
def test_parse_gives_metres(typed, metres):
    assert parse(typed) == metres


@pytest.mark.parametrize("typed", ["200,5", "1000", "-1", "abc", "12,5 m", "1.000,5", "12,3456"])
def test_parse_refuses_with_one_vietnamese_message(typed):
    with pytest.raises(DistanceError) as err:
        parse(typed)
    assert str(err.value) == "Nhập khoảng cách từ 0 đến 200 km, ví dụ 12 hoặc 12,5."


@pytest.mark.parametrize(
    ("metres", "vi", "en"),
    [(12_500, "12,5 km", "12.5 km"), (12_000, "12 km", "12 km"), (750, "0,75 km", "0.75 km")],
)
def test_format_per_language(metres, vi, en):
    assert format_km(metres, "vi") == vi
    assert format_km(metres, "en") == en


def test_import_reads_decimal_distances(places, units, make_user):
    from students.registry.importer import _parse_row

    row = {
        "full_name": "Lò Thị Nhập",
        "birth_date": "12/04/2013",
        "gender": "Nữ",
        "school": places["school_a"].name,
        "grade": "7",
        "distance": "4,5",
    }
    assert _parse_row(row, units["a"].id).distance_m == 4_500
    with pytest.raises(Exception, match="0 đến 200 km") as err:
        _parse_row({**row, "distance": "xa lắm"}, units["a"].id)
    assert "RowErrors" in type(err.value).__name__


def test_migration_turns_km_into_metres(tmp_path):
    url, drop = _empty_database_url(tmp_path)
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0090_distance_metres-1")  # the one before, whatever it is
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO units (id, code, name, kind, active) "
                        "VALUES (1, 'u', 'Huyện', 'district', true)"
                    )
                )
                conn.execute(text("INSERT INTO schools (id, name, level) VALUES (1, 'T', 'thcs')"))
                conn.execute(
                    text(
                        "INSERT INTO students (public_id, full_name, name_key, birth_date, gender,"
                        " ethnicity, school_id, grade, class_name, address, guardian_name,"
                        " guardian_phone, situations, distance_km, absences, repeated_grade,"
                        " status, risk_score, unit_id, notes, created_at, updated_at) VALUES"
                        " ('HS1', 'A', 'a', '2013-01-01', 'female', '', 1, 7, '', '', '', '',"
                        " '[]', 12, 0, false, 'at_risk', 0, 1, '', '2026-01-01', '2026-01-01')"
                    )
                )
                # A row that points at the student: the upgrade must neither fail on it nor
                # cascade it away (a batch copy of students did one or the other on SQLite).
                conn.execute(
                    text(
                        "INSERT INTO student_outcomes (student_id, term, status, note, created_at)"
                        " SELECT id, '2025-2026 HK1', 'attending', '', '2026-01-01' FROM students"
                    )
                )
            upgrade(revision="0090_distance_metres")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT distance_m FROM students")).scalar() == 12_000
                assert conn.execute(text("SELECT count(*) FROM student_outcomes")).scalar() == 1
            db.engine.dispose()
    finally:
        drop()
