"""Retention: of the students who came back to school in a period, how many were still in
school at the end of the term they came back in, and at the end of the term after it.

Exact from the registry: the cohort is each student's first "returned" step in the period (a
child who left again and came back later is counted once, from the first return); the check is
the term outcome the school recorded (students/care Outcome), "attending" or "graduated" (a
child who finishes school has stayed). A term whose outcome is not recorded does not count as
kept, and an outcome of a term before the return never does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from students import schoolyear
from students.care.models import Outcome, OutcomeStatus
from students.registry.models import StatusChange, Student, StudentStatus

STAYED = (OutcomeStatus.attending, OutcomeStatus.graduated)


@dataclass(frozen=True)
class Kept:
    """One returned student: its unit, still in school after one term, after two."""

    unit_id: int
    one: bool
    two: bool


def return_term(day: date) -> str:
    """The term a child back on `day` is in: "2026-2027 HK1". Summer days belong to the first
    term of the year that follows."""
    year = schoolyear.year_of(day)
    _start, hk1_end = schoolyear.term_bounds(year, "HK1")
    return f"{year} {'HK1' if day <= hk1_end else 'HK2'}"


def next_term(term: str) -> str:
    """ "2026-2027 HK1" → "2026-2027 HK2" → "2027-2028 HK1"."""
    year, part = term.split()
    if part == "HK1":
        return f"{year} HK2"
    start = int(year[:4]) + 1
    return f"{start}-{start + 1} HK1"


def cohort(unit_ids: set[int], first: date, last: date) -> dict[int, Kept]:
    """{student id: Kept} of the students of these units back in school from `first` to
    `last`."""
    returns: dict[int, tuple[date, int]] = {}
    for student_id, on, unit_id in db.session.execute(
        select(StatusChange.student_id, StatusChange.on, Student.unit_id)
        .join(Student, Student.id == StatusChange.student_id)
        .where(
            Student.unit_id.in_(unit_ids),
            StatusChange.status == StudentStatus.returned,
            StatusChange.on >= first,
            StatusChange.on <= last,
        )
        .order_by(StatusChange.on, StatusChange.id)
    ):
        returns.setdefault(student_id, (on, unit_id))
    outcomes: dict[tuple[int, str], OutcomeStatus] = {
        (sid, term): status
        for sid, term, status in db.session.execute(
            select(Outcome.student_id, Outcome.term, Outcome.status).where(
                Outcome.student_id.in_(list(returns))
            )
        )
    }
    out = {}
    for sid, (on, unit_id) in returns.items():
        term = return_term(on)
        after_one = outcomes.get((sid, term))
        one = after_one in STAYED
        two = one and (
            after_one == OutcomeStatus.graduated or outcomes.get((sid, next_term(term))) in STAYED
        )
        out[sid] = Kept(unit_id, one, two)
    return out
