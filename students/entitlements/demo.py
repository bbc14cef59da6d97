"""The default entitlement kinds, and demo records: some confirmed, some waiting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.units.models import Commune
from students.entitlements.defaults import DEFAULT_KINDS
from students.entitlements.models import Category, Entitlement, EntitlementKind
from students.entitlements.services import appears_eligible
from students.registry.models import Student

YEAR = "2026-2027"


def ensure_default_kinds() -> list[EntitlementKind]:
    """Create the default kinds that are missing (by code); leaves edited ones alone."""
    out = []
    for code, name, category, basis, situations, active, position in DEFAULT_KINDS:
        kind = db.session.execute(
            select(EntitlementKind).where(EntitlementKind.code == code)
        ).scalar_one_or_none()
        if kind is None:
            kind = EntitlementKind(
                code=code,
                name=name,
                category=Category(category),
                legal_basis=basis,
                situations=situations,
                minority_communes=[],
                active=active,
                position=position,
            )
            db.session.add(kind)
        out.append(kind)
    db.session.flush()
    return out


def seed_entitlements(echo: Callable[[str], None]) -> None:
    """Default kinds (boarding support in the demo's highland communes) and records for the
    demo students who appear eligible: two in three confirmed by the school."""
    kinds = [k for k in ensure_default_kinds() if k.active]
    boarding = next(k for k in kinds if k.code == "ban-tru-116")
    if not boarding.minority_communes:
        highland = db.session.execute(
            select(Commune.id).where(Commune.name.in_(["Xã Tà Lùng", "Xã Nậm Sương"]))
        ).scalars()
        boarding.minority_communes = sorted(highland)
    students = db.session.execute(
        select(Student).where(Student.public_id.like("HS-DM%")).order_by(Student.public_id)
    ).scalars()
    made = 0
    for n, student in enumerate(students):
        for kind in kinds:
            if not appears_eligible(student, kind) or (n + kind.position) % 4 == 0:
                continue  # some eligible children have no record yet: the follow-up list
            exists = db.session.execute(
                select(Entitlement.id).where(
                    Entitlement.student_id == student.id,
                    Entitlement.kind_id == kind.id,
                    Entitlement.school_year == YEAR,
                )
            ).first()
            if exists:
                continue
            received = n % 3 != 0
            db.session.add(
                Entitlement(
                    student_id=student.id,
                    kind_id=kind.id,
                    unit_id=student.unit_id,
                    school_year=YEAR,
                    received=received,
                    confirmed_on=date(2026, 10, 15) if received else None,
                    confirmed_by="Kế toán nhà trường" if received else "",
                )
            )
            made += 1
    db.session.flush()
    echo(f"  chế độ chính sách demo: {made}")
