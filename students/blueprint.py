"""The students package's blueprints and the small helpers its views share."""

from __future__ import annotations

from flask import Blueprint, Flask
from sqlalchemy import select

from app.auth.guards import sees_all_units, unit_subtree_ids
from app.extensions import db
from app.units.models import Commune, School, Unit

bp = Blueprint("students", __name__, url_prefix="/quan-tri/hoc-sinh")
rounds_bp = Blueprint("student_rounds", __name__, url_prefix="/quan-tri/dot-trao")
sponsors_bp = Blueprint("sponsors", __name__, url_prefix="/quan-tri/do-dau")
public_bp = Blueprint("students_public", __name__)

# Roles, as DESIGN.md §7 gives them for this package.
READERS = ("admin", "manager", "field", "auditor")
WRITERS = ("admin", "manager", "field")
MONEY_READERS = ("admin", "manager", "treasurer", "auditor")


def register_blueprints(app: Flask) -> None:
    """Register the four blueprints once every sub-package has added its routes to them."""
    for blueprint in (bp, rounds_bp, sponsors_bp, public_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)


def unit_choices(user) -> list[tuple[int, str]]:
    """Units the user may file students under, province first."""
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.kind, Unit.name)
    if not sees_all_units(user):
        stmt = stmt.where(Unit.id.in_(unit_subtree_ids(user.unit_id)))
    return [(u.id, u.name) for u in db.session.execute(stmt).scalars()]


def school_choices() -> list[tuple[int | None, str]]:
    """Every school (students may attend a school outside the unit that follows them)."""
    rows = db.session.execute(select(School).order_by(School.name)).scalars()
    return [(None, "—")] + [(s.id, s.name) for s in rows]


def commune_choices() -> list[tuple[int | None, str]]:
    """Communes and wards, by name."""
    rows = db.session.execute(select(Commune).order_by(Commune.name)).scalars()
    return [(None, "—")] + [(c.id, c.name) for c in rows]
