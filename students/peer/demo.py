"""Demo peer pairs (helpers invented, first name and class only) with a first-term result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.extensions import db
from students.peer.models import PeerModel, PeerPair, PeerResult
from students.registry.models import Student

YEAR = "2026-2027"
HELPERS = ["An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Linh", "Minh", "Nam", "Thu Hà"]
FOLLOWERS = ["Cô giáo chủ nhiệm", "Bí thư chi đoàn", "Thầy Tổng phụ trách Đội"]


def seed_pairs(echo: Callable[[str], None]) -> None:
    """One pair for every third demo student; every other pair has its HK1 result."""
    students = db.session.execute(
        select(Student).where(Student.public_id.like("HS-DM%")).order_by(Student.public_id)
    ).scalars()
    made = 0
    for n, student in enumerate(students):
        if n % 3:
            continue
        model = PeerModel.to_school if student.distance_m >= 6000 else PeerModel.study
        exists = db.session.execute(
            select(PeerPair.id).where(
                PeerPair.student_id == student.id,
                PeerPair.school_year == YEAR,
                PeerPair.model == model,
            )
        ).first()
        if exists:
            continue
        class_name = student.class_name or str(student.grade)
        pair = PeerPair(
            student_id=student.id,
            school_id=student.school_id,
            unit_id=student.unit_id,
            school_year=YEAR,
            model=model,
            helpers=[
                {"name": HELPERS[n % len(HELPERS)], "class": class_name},
                {"name": HELPERS[(n + 3) % len(HELPERS)], "class": class_name},
            ][: 1 + n % 2],
            follower=FOLLOWERS[n % len(FOLLOWERS)],
            started_on=date(2026, 9, 15),
        )
        if n % 2 == 0:
            pair.results.append(
                PeerResult(
                    term="HK1",
                    days_absent=n % 7,
                    grades_improved=n % 4 == 0,
                    still_in_school=n % 9 != 3,
                )
            )
        db.session.add(pair)
        made += 1
    db.session.flush()
    echo(f"  đôi bạn demo: {made}")
