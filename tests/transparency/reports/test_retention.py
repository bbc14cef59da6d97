"""Retention after one and two terms, exact from the term outcomes: a small cohort whose answer
is worked out by hand below."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from students.care.services import record_outcomes
from students.registry.services import change_status
from transparency.reports import data
from transparency.reports.retention import cohort, next_term, return_term
from transparency.reports.suppression import HIDDEN

FIRST, LAST = date(2025, 8, 15), date(2026, 5, 31)
HK1, HK2 = "2025-2026 HK1", "2025-2026 HK2"


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2025, 9, 10), HK1),
        (date(2026, 1, 15), HK1),  # the last day of HK1
        (date(2026, 1, 16), HK2),
        (date(2026, 5, 31), HK2),
        (date(2026, 6, 20), "2026-2027 HK1"),  # summer: the coming year's first term
        (date(2026, 8, 3), "2026-2027 HK1"),
    ],
)
def test_the_term_a_child_comes_back_in(day, term):
    assert return_term(day) == term


def test_terms_follow_each_other():
    assert next_term(HK1) == HK2 and next_term(HK2) == "2026-2027 HK1"


def test_retention_counts_the_terms_after_the_first_return(make_student, make_user, units):
    admin = make_user("admin")
    # name: (returns, {term: outcome}); kept after one term, after two: worked out by hand.
    plan = {
        "A": ([date(2025, 9, 10)], {HK1: "attending", HK2: "attending"}),  # yes, yes
        "B": ([date(2025, 9, 20)], {HK1: "attending", HK2: "dropped_out"}),  # yes, no
        "C": ([date(2025, 10, 1)], {HK1: "dropped_out", HK2: "attending"}),  # no, no
        # Back in HK2: an older term's outcome does not count; the next term is not recorded.
        "D": ([date(2026, 2, 1)], {"2024-2025 HK1": "attending", HK2: "attending"}),  # yes, no
        "E": ([date(2025, 12, 1)], {HK1: "attending"}),  # yes, no (HK2 not recorded)
        "F": ([date(2025, 11, 5)], {HK1: "moved"}),  # no, no
        # Left again and came back in HK2: counted once, from the first return.
        "G": ([date(2025, 9, 5), date(2026, 2, 10)], {HK1: "dropped_out", HK2: "attending"}),
        "I": ([date(2025, 10, 10)], {HK1: "attending", HK2: "graduated"}),  # yes, yes
        # Came back before the period: not in the cohort.
        "H": ([date(2024, 9, 1)], {HK1: "attending", HK2: "attending"}),
    }
    ids = {}
    for name, (returns, outcomes) in plan.items():
        student = make_student(full_name=f"Lò Văn Giữ {name}", grade=12 if name == "I" else 7)
        for day in returns:
            change_status(admin, student, "returned", on=day)
        for term, status in outcomes.items():
            record_outcomes(admin, term, {student.id: (status, "")})
        ids[student.id] = name
    db.session.commit()
    result = {ids[sid]: (k.one, k.two) for sid, k in cohort({units["a"].id}, FIRST, LAST).items()}
    assert result == {
        "A": (True, True),
        "B": (True, False),
        "C": (False, False),
        "D": (True, False),
        "E": (True, False),
        "F": (False, False),
        "G": (False, False),
        "I": (True, True),
    }
    table = data.build("year_end", FIRST, LAST, units["province"]).table("returned")
    row = table.rows.index(units["a"].name)
    assert [table.raw(row, c) for c in range(3)] == [8, 5, 2]
    assert [table.value(row, c) for c in range(3)] == [8, 5, HIDDEN]
