"""Peer-support pairs: record one, list them by school and unit, a result each term."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from students import schoolyear
from students.peer.models import PeerModel, PeerPair, PeerResult
from students.registry.models import Student
from students.registry.services import READERS, WRITERS

MAX_HELPERS = 4
MAX_DAYS_ABSENT = 120  # a term has about 90 school days


def _first_name(text: str) -> str:
    return " ".join((text or "").split())


def check_helpers(student: Student, helpers: list[tuple[str, str]]) -> list[dict]:
    """Helpers as {"name", "class"}: a first name (no family name) and a class each."""
    out: list[dict] = []
    for name, class_name in helpers:
        name, class_name = _first_name(name), (class_name or "").strip()
        if not name and not class_name:
            continue
        if not name or not class_name:
            raise DomainError(_l("Mỗi bạn giúp cần có cả tên và lớp."), field="helpers")
        if len(name.split()) > 2 or len(name) > 30:
            raise DomainError(
                _l("Chỉ ghi tên gọi của bạn giúp (không ghi họ), ví dụ “An” hoặc “Thu Hà”."),
                field="helpers",
            )
        if len(class_name) > 10:
            raise DomainError(_l("Tên lớp quá dài (ví dụ 7A)."), field="helpers")
        given = student.full_name.split()[-1].casefold()
        if (
            name.split()[-1].casefold() == given
            and class_name.casefold() == (student.class_name or "").casefold()
        ):
            raise DomainError(
                _l("Bạn giúp không thể là chính học sinh được giúp."), field="helpers"
            )
        key = {"name": name, "class": class_name}
        if any(
            h["name"].casefold() == name.casefold()
            and h["class"].casefold() == class_name.casefold()
            for h in out
        ):
            raise DomainError(_l("Một bạn giúp được ghi hai lần."), field="helpers")
        out.append(key)
    if not out:
        raise DomainError(_l("Vui lòng ghi ít nhất một bạn giúp."), field="helpers")
    if len(out) > MAX_HELPERS:
        raise DomainError(_l("Một nhóm có tối đa %(n)s bạn giúp.", n=MAX_HELPERS), field="helpers")
    return out


def create_pair(
    actor: User,
    *,
    student_public_id: str,
    school_year: str,
    model: str,
    helpers: list[tuple[str, str]],
    follower: str,
    started_on: date,
    model_note: str = "",
) -> PeerPair:
    """A pair (or small group) for a registry student in a school year. Audited."""
    require_role(actor, WRITERS)
    student = db.session.execute(
        select(Student).where(Student.public_id == (student_public_id or "").strip())
    ).scalar_one_or_none()
    if student is None:
        raise DomainError(_l("Vui lòng chọn học sinh được giúp."), field="student")
    require_unit(actor, student.unit_id)
    year = schoolyear.check_year(school_year)
    if model not in PeerModel.__members__:
        raise DomainError(_l("Mô hình không hợp lệ."), field="model")
    if model == PeerModel.other and not model_note.strip():
        raise DomainError(_l("Vui lòng ghi tên mô hình khác."), field="model_note")
    schoolyear.check_in_year(started_on, year, "started_on")
    if started_on > date.today():
        raise DomainError(_l("Ngày bắt đầu không thể ở tương lai."), field="started_on")
    if not follower.strip():
        raise DomainError(
            _l("Vui lòng ghi thầy cô hoặc đoàn viên theo dõi đôi bạn."), field="follower"
        )
    kept = check_helpers(student, helpers)
    clash = db.session.execute(
        select(PeerPair.id).where(
            PeerPair.student_id == student.id,
            PeerPair.school_year == year,
            PeerPair.model == PeerModel(model),
        )
    ).first()
    if clash is not None:
        raise Conflict(
            _l("Học sinh này đã có một đôi bạn theo mô hình này trong năm học %(y)s.", y=year)
        )
    pair = PeerPair(
        student_id=student.id,
        school_id=student.school_id,
        unit_id=student.unit_id,
        school_year=year,
        model=PeerModel(model),
        model_note=model_note.strip()[:120],
        helpers=kept,
        follower=follower.strip()[:120],
        started_on=started_on,
        created_by_id=actor.id,
    )
    db.session.add(pair)
    db.session.flush()
    record(
        actor,
        "student.peer_pair",
        pair,
        _l("Ghi đôi bạn cho %(id)s năm học %(y)s", id=student.public_id, y=year),
        {"model": model, "helpers": len(kept)},
    )
    return pair


def get_pair(actor: User, pair_id: int) -> PeerPair:
    """A pair within the actor's units (404 otherwise, as for a student)."""
    require_role(actor, READERS)
    pair = db.session.get(PeerPair, pair_id)
    if pair is None:
        raise NotFound(_l("Không tìm thấy đôi bạn."))
    require_unit(actor, pair.unit_id)
    return pair


def record_result(
    actor: User,
    pair: PeerPair,
    *,
    term: str,
    days_absent: int,
    grades_improved: bool,
    still_in_school: bool,
    note: str = "",
) -> PeerResult:
    """The supported student's term: absences, grades better, still in school. Replaces an
    earlier result of the same term. Audited."""
    require_role(actor, WRITERS)
    require_unit(actor, pair.unit_id)
    if term not in schoolyear.TERMS:
        raise DomainError(_l("Học kỳ phải là HK1 hoặc HK2."), field="term")
    if days_absent is None or not 0 <= days_absent <= MAX_DAYS_ABSENT:
        raise DomainError(
            _l("Số ngày nghỉ phải từ 0 đến %(n)s.", n=MAX_DAYS_ABSENT), field="days_absent"
        )
    row = next((r for r in pair.results if r.term == term), None)
    if row is None:
        row = PeerResult(term=term)
        pair.results.append(row)
    row.days_absent = days_absent
    row.grades_improved = bool(grades_improved)
    row.still_in_school = bool(still_in_school)
    row.note = (note or "").strip()[:300]
    row.recorded_by_id = actor.id
    db.session.flush()
    record(
        actor,
        "student.peer_result",
        pair,
        _l("Kết quả %(term)s của đôi bạn #%(id)s", term=term, id=pair.id),
        {"days_absent": days_absent, "still_in_school": still_in_school},
    )
    return row


def pairs(
    actor: User,
    *,
    school_year: str = "",
    school_id: int | None = None,
    unit_id: int | None = None,
) -> Select:
    """Pairs in the actor's scope, by school then student."""
    require_role(actor, READERS)
    stmt = (
        select(PeerPair)
        .join(Student, Student.id == PeerPair.student_id)
        .where(unit_scope_clause(actor, PeerPair.unit_id))
        .order_by(PeerPair.school_id, Student.name_key, PeerPair.id)
    )
    if school_year:
        stmt = stmt.where(PeerPair.school_year == school_year)
    if school_id:
        stmt = stmt.where(PeerPair.school_id == school_id)
    if unit_id:
        stmt = stmt.where(PeerPair.unit_id == unit_id)
    return stmt


def student_choices(actor: User) -> list[tuple[str, str]]:
    """Registry students the actor may pair, by school then name."""
    stmt = (
        select(Student)
        .where(unit_scope_clause(actor, Student.unit_id))
        .order_by(Student.school_id, Student.name_key)
    )
    return [
        (s.public_id, f"{s.full_name} · {s.class_name or s.grade} · {s.public_id}")
        for s in db.session.execute(stmt).scalars()
    ]
