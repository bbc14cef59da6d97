"""Managing units, communes and schools."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit.service import diff, record
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.units.models import ALLOWED_PARENTS, Commune, School, Unit, UnitKind

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")


def tree() -> list[tuple[Unit, int]]:
    """Every unit with its depth, parents before children, for indented lists."""
    units = list(db.session.execute(select(Unit).order_by(Unit.name)).scalars())
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            out.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return out


def _check(
    kind: str, parent_id: int | None, code: str, name: str, unit: Unit | None = None
) -> tuple[UnitKind, Unit | None]:
    try:
        kind_ = UnitKind(kind)
    except ValueError:
        raise DomainError(_l("Cấp đơn vị không hợp lệ."), field="kind") from None
    if not name.strip():
        raise DomainError(_l("Vui lòng nhập tên đơn vị."), field="name")
    if not CODE_RE.match(code):
        raise DomainError(
            _l("Mã đơn vị chỉ gồm chữ thường không dấu, số và gạch nối (2–39 ký tự)."), field="code"
        )
    clash = db.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if clash is not None and clash is not unit:
        raise Conflict(_l("Mã đơn vị đã được dùng."), field="code")
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise NotFound(_l("Đơn vị cấp trên không tồn tại."), field="parent_id")
    allowed = ALLOWED_PARENTS[kind_]
    if (parent.kind if parent else None) not in allowed:
        raise DomainError(
            _l("Đơn vị cấp trên không phù hợp với cấp của đơn vị này."), field="parent_id"
        )
    if unit is not None and parent is not None:
        # Refuse cycles: the new parent must not sit under the unit itself.
        from app.auth.guards import unit_subtree_ids

        if parent.id in unit_subtree_ids(unit.id):
            raise DomainError(_l("Không thể đặt đơn vị dưới chính nó."), field="parent_id")
    return kind_, parent


def create_unit(actor, *, name: str, code: str, kind: str, parent_id: int | None) -> Unit:
    """A new unit in the hierarchy; audited."""
    code = code.strip().lower()
    kind_, parent = _check(kind, parent_id, code, name)
    unit = Unit(name=name.strip(), code=code, kind=kind_, parent=parent)
    db.session.add(unit)
    db.session.flush()
    record(actor, "unit.create", unit, _l("Tạo đơn vị %(name)s", name=unit.name))
    return unit


def update_unit(
    actor, unit: Unit, *, name: str, code: str, kind: str, parent_id: int | None, active: bool
) -> Unit:
    """Rename, move or deactivate a unit; audited with the difference."""
    code = code.strip().lower()
    kind_, parent = _check(kind, parent_id, code, name, unit)
    fields = {
        "name": name.strip(),
        "code": code,
        "kind": kind_,
        "parent_id": parent.id if parent else None,
        "active": active,
    }
    changes = diff(unit, fields)
    for key, value in fields.items():
        setattr(unit, key, value)
    db.session.flush()
    record(actor, "unit.update", unit, _l("Sửa đơn vị %(name)s", name=unit.name), changes)
    return unit


def save_commune(
    actor, commune: Commune | None, *, name: str, district: str, unit_id: int | None
) -> Commune:
    """Create or edit a commune; audited."""
    if not name.strip():
        raise DomainError(_l("Vui lòng nhập tên xã/phường."), field="name")
    if unit_id and db.session.get(Unit, unit_id) is None:
        raise NotFound(_l("Đơn vị không tồn tại."), field="unit_id")
    fields = {"name": name.strip(), "district": district.strip(), "unit_id": unit_id or None}
    created = commune is None
    commune = commune or Commune()
    changes = diff(commune, fields) if not created else fields
    for key, value in fields.items():
        setattr(commune, key, value)
    db.session.add(commune)
    db.session.flush()
    record(
        actor,
        "commune.create" if created else "commune.update",
        commune,
        _l("Xã/phường %(name)s", name=commune.name),
        changes,
    )
    return commune


def save_school(
    actor,
    school: School | None,
    *,
    name: str,
    level: str,
    commune_id: int | None,
    unit_id: int | None,
) -> School:
    """Create or edit a school; audited."""
    if not name.strip():
        raise DomainError(_l("Vui lòng nhập tên trường."), field="name")
    if commune_id and db.session.get(Commune, commune_id) is None:
        raise NotFound(_l("Xã/phường không tồn tại."), field="commune_id")
    if unit_id and db.session.get(Unit, unit_id) is None:
        raise NotFound(_l("Đơn vị không tồn tại."), field="unit_id")
    fields = {
        "name": name.strip(),
        "level": level.strip(),
        "commune_id": commune_id or None,
        "unit_id": unit_id or None,
    }
    created = school is None
    school = school or School()
    changes = diff(school, fields) if not created else fields
    for key, value in fields.items():
        setattr(school, key, value)
    db.session.add(school)
    db.session.flush()
    record(
        actor,
        "school.create" if created else "school.update",
        school,
        _l("Trường %(name)s", name=school.name),
        changes,
    )
    return school


def counts() -> dict[str, int]:
    """How many units, communes and schools there are."""
    return {
        "units": db.session.execute(select(func.count(Unit.id))).scalar_one(),
        "communes": db.session.execute(select(func.count(Commune.id))).scalar_one(),
        "schools": db.session.execute(select(func.count(School.id))).scalar_one(),
    }
