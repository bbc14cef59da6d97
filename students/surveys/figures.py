"""What the registry and visits say for a set of units: the figures a survey starts from.

Shared with the reports (transparency/reports): one definition of "out of class", "returned"...
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from students.care.models import Cause, Visit
from students.registry.models import Gender, Student, StudentStatus
from students.rounds.models import AllocationLine

MEASURES = {
    "out_of_class": StudentStatus.not_attending,
    "returned": StudentStatus.returned,
    "dropped_out": StudentStatus.dropped_out,
}
DIMENSIONS = ("total", "female", "male", "primary", "lower", "upper", "minority")
MAJORITY = "kinh"


def level(grade: int) -> str:
    """primary (1–5), lower (6–9) or upper (10–12) secondary."""
    return "primary" if grade <= 5 else "lower" if grade <= 9 else "upper"


def is_minority(ethnicity: str) -> bool:
    """Any group but the majority (an empty field counts as unknown, not minority)."""
    text = (ethnicity or "").strip().casefold()
    return bool(text) and text != MAJORITY


def breakdown(students) -> dict[str, int]:
    """Counts of a list of students by each dimension."""
    out = dict.fromkeys(DIMENSIONS, 0)
    for s in students:
        out["total"] += 1
        if s.gender == Gender.female:
            out["female"] += 1
        elif s.gender == Gender.male:
            out["male"] += 1
        out[level(s.grade)] += 1
        out["minority"] += int(is_minority(s.ethnicity))
    return out


def registry_counts(unit_ids: set[int]) -> dict[str, dict[str, int]]:
    """{measure: {dimension: n}} of the registry's students of these units."""
    rows = list(
        db.session.execute(
            select(Student).where(
                Student.unit_id.in_(unit_ids), Student.status.in_(list(MEASURES.values()))
            )
        ).scalars()
    )
    return {m: breakdown([s for s in rows if s.status == st]) for m, st in MEASURES.items()}


def visit_causes(unit_ids: set[int]) -> dict[str, int]:
    """How many students' latest visit found each cause."""
    latest = (
        select(func.max(Visit.id))
        .join(Student, Student.id == Visit.student_id)
        .where(Student.unit_id.in_(unit_ids))
        .group_by(Visit.student_id)
    )
    counter: Counter[str] = Counter()
    for causes in db.session.execute(select(Visit.causes).where(Visit.id.in_(latest))).scalars():
        counter.update(c for c in causes or [] if c in Cause.__members__)
    return {c.value: counter.get(c.value, 0) for c in Cause}


def supported_count(unit_ids: set[int]) -> int:
    """Students of these units who were handed support (a hand-over in the ledger)."""
    return db.session.execute(
        select(func.count(func.distinct(AllocationLine.student_id)))
        .join(Student, Student.id == AllocationLine.student_id)
        .where(Student.unit_id.in_(unit_ids), AllocationLine.handover_seq.is_not(None))
    ).scalar_one()
