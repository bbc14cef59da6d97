"""A submitted year-start survey per demo district, pre-filled from the registry and visits."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from app.auth.guards import unit_subtree_ids
from app.dbtypes import utcnow
from app.extensions import db
from app.units.models import Unit, UnitKind
from students.surveys.figures import registry_lines, supported_count, visit_causes
from students.surveys.models import Period, Survey, SurveyStatus
from students.surveys.services import fill_lines

YEAR = "2026-2027"


def seed_surveys(echo: Callable[[str], None]) -> None:
    """Each district's mid-term survey, submitted with the registry's lines."""
    made = 0
    for unit in db.session.execute(select(Unit).where(Unit.kind == UnitKind.district)).scalars():
        units = unit_subtree_ids(unit.id)
        exists = db.session.execute(
            select(Survey).where(
                Survey.unit_id == unit.id,
                Survey.school_year == YEAR,
                Survey.period == Period.mid_term,
            )
        ).scalar_one_or_none()
        if exists is not None:
            if not exists.lines:  # seeded before surveys had lines (migration 0095)
                fill_lines(exists, registry_lines(units))
            continue
        survey = Survey(
            unit_id=unit.id,
            school_year=YEAR,
            period=Period.mid_term,
            status=SurveyStatus.submitted,
            reasons={},
            causes=visit_causes(units),
            supported=supported_count(units),
            support_note="Học bổng, gạo, đồ dùng học tập; vận động trở lại lớp.",
            submitted_at=utcnow(),
        )
        fill_lines(survey, registry_lines(units))
        db.session.add(survey)
        made += 1
    db.session.flush()
    echo(f"  khảo sát demo: {made}")
