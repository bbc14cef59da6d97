"""Entitlement kinds (admin data), a student's entitlements per year, who to follow up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.units.models import Commune
from students import schoolyear
from students.entitlements.models import Category, Entitlement, EntitlementKind
from students.registry.models import Situation, Student, StudentStatus
from students.registry.services import READERS, WRITERS

MAJORITY = "kinh"  # ethnic-minority rules apply to every other group


def save_kind(
    actor: User,
    kind: EntitlementKind | None,
    *,
    code: str,
    name: str,
    category: str,
    legal_basis: str,
    situations: list[str],
    minority_communes: list[int],
    active: bool,
    position: int = 0,
) -> EntitlementKind:
    """Create or edit a kind of entitlement (admin only): the law changes, the code does not."""
    require_role(actor, ("admin",))
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or not code.replace("-", "").replace("_", "").isalnum():
        raise DomainError(_l("Mã chỉ gồm chữ, số, gạch ngang (tối đa 40 ký tự)."), field="code")
    if not (name or "").strip():
        raise DomainError(_l("Vui lòng nhập tên chế độ."), field="name")
    if not (legal_basis or "").strip():
        raise DomainError(
            _l("Vui lòng ghi căn cứ pháp lý (ví dụ Nghị định 81/2021/NĐ-CP)."),
            field="legal_basis",
        )
    if category not in Category.__members__:
        raise DomainError(_l("Loại chế độ không hợp lệ."), field="category")
    if any(s not in Situation.__members__ for s in situations):
        raise DomainError(_l("Hoàn cảnh không hợp lệ."), field="situations")
    known = set(db.session.execute(select(Commune.id)).scalars())
    if any(c not in known for c in minority_communes):
        raise DomainError(_l("Xã không hợp lệ."), field="minority_communes")
    clash = db.session.execute(
        select(EntitlementKind).where(EntitlementKind.code == code)
    ).scalar_one_or_none()
    if clash is not None and clash is not kind:
        raise Conflict(_l("Đã có chế độ mang mã %(code)s.", code=code))
    if kind is None:
        kind = EntitlementKind(code=code)
        db.session.add(kind)
    kind.code = code
    kind.name = name.strip()[:200]
    kind.category = Category(category)
    kind.legal_basis = legal_basis.strip()[:300]
    kind.situations = sorted(set(situations))
    kind.minority_communes = sorted(set(minority_communes))
    kind.active = bool(active)
    kind.position = position
    db.session.flush()
    record(actor, "entitlement.kind", kind, _l("Lưu chế độ %(code)s", code=code))
    return kind


def kinds(active_only: bool = False) -> list[EntitlementKind]:
    """Every kind, in the admin's order."""
    stmt = select(EntitlementKind).order_by(EntitlementKind.position, EntitlementKind.name)
    if active_only:
        stmt = stmt.where(EntitlementKind.active.is_(True))
    return list(db.session.execute(stmt).scalars())


def record_entitlement(
    actor: User,
    *,
    student_public_id: str,
    kind_id: int | None,
    school_year: str,
    received: bool,
    confirmed_on: date | None,
    confirmed_by: str = "",
    note: str = "",
) -> Entitlement:
    """A student's entitlement for a school year; received needs the school's confirmation
    date, within that school year and not in the future. One record per kind and year."""
    require_role(actor, WRITERS)
    student = db.session.execute(
        select(Student).where(Student.public_id == (student_public_id or "").strip())
    ).scalar_one_or_none()
    if student is None:
        raise DomainError(_l("Vui lòng chọn học sinh."), field="student")
    require_unit(actor, student.unit_id)
    kind = db.session.get(EntitlementKind, kind_id) if kind_id else None
    if kind is None:
        raise DomainError(_l("Vui lòng chọn chế độ."), field="kind")
    year = schoolyear.check_year(school_year)
    existing = db.session.execute(
        select(Entitlement).where(
            Entitlement.student_id == student.id,
            Entitlement.kind_id == kind.id,
            Entitlement.school_year == year,
        )
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(
            _l("Học sinh này đã có chế độ này trong năm học %(y)s: hãy sửa bản ghi đó.", y=year)
        )
    item = Entitlement(
        student_id=student.id,
        kind_id=kind.id,
        unit_id=student.unit_id,
        school_year=year,
        recorded_by_id=actor.id,
    )
    _confirm(item, received, confirmed_on, confirmed_by, note)
    db.session.add(item)
    db.session.flush()
    record(
        actor,
        "student.entitlement",
        item,
        _l("Ghi chế độ %(kind)s cho %(id)s", kind=kind.code, id=student.public_id),
        {"received": received},
    )
    return item


def update_entitlement(
    actor: User,
    item: Entitlement,
    *,
    received: bool,
    confirmed_on: date | None,
    confirmed_by: str = "",
    note: str = "",
) -> Entitlement:
    """The school's confirmation came (or was withdrawn). Audited."""
    require_role(actor, WRITERS)
    require_unit(actor, item.unit_id)
    _confirm(item, received, confirmed_on, confirmed_by, note)
    item.recorded_by_id = actor.id
    db.session.flush()
    record(
        actor,
        "student.entitlement",
        item,
        _l("Cập nhật chế độ #%(id)s", id=item.id),
        {"received": received},
    )
    return item


def _confirm(item: Entitlement, received, confirmed_on, confirmed_by, note) -> None:
    if received:
        if confirmed_on is None:
            raise DomainError(
                _l("Vui lòng nhập ngày nhà trường xác nhận em đã nhận."), field="confirmed_on"
            )
        schoolyear.check_in_year(confirmed_on, item.school_year, "confirmed_on")
        if confirmed_on > date.today():
            raise DomainError(_l("Ngày xác nhận không thể ở tương lai."), field="confirmed_on")
    item.received = bool(received)
    item.confirmed_on = confirmed_on if received else None
    item.confirmed_by = (confirmed_by or "").strip()[:120] if received else ""
    item.note = (note or "").strip()[:300]


def get_entitlement(actor: User, entitlement_id: int) -> Entitlement:
    """A record within the actor's units."""
    require_role(actor, READERS)
    item = db.session.get(Entitlement, entitlement_id)
    if item is None:
        raise NotFound(_l("Không tìm thấy bản ghi chế độ."))
    require_unit(actor, item.unit_id)
    return item


def entitlements(actor: User, *, school_year: str, school_id=None, unit_id=None) -> Select:
    """Records of a year in the actor's scope, by school then student."""
    require_role(actor, READERS)
    stmt = (
        select(Entitlement)
        .join(Student, Student.id == Entitlement.student_id)
        .where(unit_scope_clause(actor, Entitlement.unit_id))
        .where(Entitlement.school_year == school_year)
        .order_by(Student.school_id, Student.name_key, Entitlement.id)
    )
    if school_id:
        stmt = stmt.where(Student.school_id == school_id)
    if unit_id:
        stmt = stmt.where(Entitlement.unit_id == unit_id)
    return stmt


def appears_eligible(student: Student, kind: EntitlementKind) -> bool:
    """By household situation, or as an ethnic-minority child in one of the kind's communes."""
    if set(student.situations or []) & set(kind.situations or []):
        return True
    minority = (student.ethnicity or "").strip().casefold() not in ("", MAJORITY)
    return minority and student.commune_id in (kind.minority_communes or [])


@dataclass(frozen=True)
class FollowUp:
    """A student who seems eligible for a kind, and the record if there is one."""

    student: Student
    kind: EntitlementKind
    record: Entitlement | None


def follow_up(actor: User, school_year: str) -> list[FollowUp]:
    """Students still at school in scope who seem eligible for an active kind in `school_year`
    but have no record of it, or whose school has not confirmed they received it."""
    require_role(actor, READERS)
    year = schoolyear.check_year(school_year)
    active = kinds(active_only=True)
    gone = (StudentStatus.graduated, StudentStatus.moved)
    students = db.session.execute(
        select(Student)
        .where(unit_scope_clause(actor, Student.unit_id), Student.status.not_in(gone))
        .order_by(Student.school_id, Student.name_key)
        .options(selectinload(Student.school))  # shown on each row
    ).scalars()
    records = {
        (r.student_id, r.kind_id): r
        for r in db.session.execute(
            select(Entitlement).where(
                Entitlement.school_year == year, unit_scope_clause(actor, Entitlement.unit_id)
            )
        ).scalars()
    }
    out = []
    for student in students:
        for kind in active:
            if not appears_eligible(student, kind):
                continue
            rec = records.get((student.id, kind.id))
            if rec is None or not rec.received:
                out.append(FollowUp(student, kind, rec))
    return out
