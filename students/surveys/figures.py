"""What the registry and visits say for a set of units: the figures a survey starts from.

Shared with the reports (transparency/reports): one definition of "out of class", "returned"...
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.auth.guards import unit_subtree_ids
from app.extensions import db
from students.care.models import Cause, Visit
from students.registry.models import Gender, Student, StudentStatus
from students.rounds.models import AllocationLine
from students.surveys.models import Survey, SurveyStatus

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


def ethnic_group(text: str) -> str:
    """The registry's free-text ethnicity as a survey line's group: spaces tidied, first letter
    capital ("thái " and "Thái" are one group); "" when it was not recorded."""
    text = " ".join((text or "").split())
    return text[:1].upper() + text[1:]


Key = tuple[str, int, str, str]  # (measure, grade, gender, ethnic group)


def registry_lines(unit_ids: set[int]) -> dict[Key, int]:
    """{(measure, grade, gender, group): n} of the registry's students of these units: the
    figures a survey's lines start from and may not go under without a reason."""
    rows = db.session.execute(
        select(Student.status, Student.grade, Student.gender, Student.ethnicity).where(
            Student.unit_id.in_(unit_ids), Student.status.in_(list(MEASURES.values()))
        )
    ).all()
    measure_of = {status: m for m, status in MEASURES.items()}
    counter: Counter[Key] = Counter(
        (measure_of[status], grade, gender.value, ethnic_group(ethnicity))
        for status, grade, gender, ethnicity in rows
    )
    return dict(counter)


def counts_from_lines(lines: dict[Key, int]) -> dict[str, dict[str, int]]:
    """{measure: {dimension: n}}: the lines added up as the survey's summary row."""
    out = {m: dict.fromkeys(DIMENSIONS, 0) for m in MEASURES}
    for (measure, grade, gender, group), n in lines.items():
        row = out[measure]
        row["total"] += n
        if gender in ("female", "male"):
            row[gender] += n
        row[level(grade)] += n
        row["minority"] += n if is_minority(group) else 0
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


def outermost(surveys: list) -> list:
    """The surveys not inside another one's unit: a school's survey is already counted in its
    district's, so adding both would count its students twice."""
    ids = {s.unit_id for s in surveys}
    inner = {u for s in surveys for u in unit_subtree_ids(s.unit_id) - {s.unit_id}} & ids
    return [s for s in surveys if s.unit_id not in inner]


def submitted_lines(unit_ids: set[int], school_year: str, period: str) -> dict[Key, int]:
    """The submitted surveys' lines of these units for a period, added up (each unit once)."""
    found = list(
        db.session.execute(
            select(Survey).where(
                Survey.unit_id.in_(unit_ids),
                Survey.school_year == school_year,
                Survey.period == period,
                Survey.status == SurveyStatus.submitted,
            )
        ).scalars()
    )
    out: Counter[Key] = Counter()
    for survey in outermost(found):
        for line in survey.lines:
            out[line.key] += line.count
    return dict(out)
