"""The student registry: create, edit, status timeline, scoped reads and search."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from app import stored_text
from app.audit.service import diff, record
from app.auth.guards import can_reach_unit, require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.public_ids import new_public_id
from app.units.models import Commune, School, Unit
from students.care.risk import refresh as refresh_risk
from students.registry import distance
from students.registry.codes import clean_name, name_key
from students.registry.models import Gender, Situation, StatusChange, Student, StudentStatus

READERS = ("admin", "manager", "field", "auditor")
WRITERS = ("admin", "manager", "field")
PHONE_RE = re.compile(r"^(0|\+84)[0-9]{9,10}$")
MIN_AGE, MAX_AGE = 4, 22
# The first step of every timeline; stored in Vietnamese, shown in the reader's language.
NOTE_ADDED = _l("Đưa vào danh sách")


@dataclass
class StudentData:
    """What a form or an import row gives for one student."""

    full_name: str
    birth_date: date
    gender: str
    school_id: int
    grade: int
    unit_id: int
    ethnicity: str = ""
    class_name: str = ""
    commune_id: int | None = None
    address: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    situations: list[str] | None = None
    distance_m: int = 0  # metres (12,5 km is 12500)
    absences: int = 0
    repeated_grade: bool = False
    status: str = StudentStatus.at_risk.value
    notes: str = ""


def normalize_phone(raw: str) -> str:
    """Digits only, keeping a leading +; "" stays ""."""
    raw = (raw or "").strip()
    return ("+" if raw.startswith("+") else "") + re.sub(r"\D", "", raw)


def check(actor: User, data: StudentData, today: date | None = None) -> dict:
    """Validate `data` under the actor's scope; the clean column values, or a DomainError."""
    today = today or date.today()
    name = clean_name(data.full_name)
    if len(name) < 2 or len(name) > 120:
        raise DomainError(_l("Vui lòng nhập họ và tên (2–120 ký tự)."), field="full_name")
    if data.birth_date > today:
        raise DomainError(_l("Ngày sinh không thể ở tương lai."), field="birth_date")
    age = (
        today.year
        - data.birth_date.year
        - ((today.month, today.day) < (data.birth_date.month, data.birth_date.day))
    )
    if not MIN_AGE <= age <= MAX_AGE:
        raise DomainError(
            _l(
                "Ngày sinh không hợp lý: học sinh phải từ %(min)s đến %(max)s tuổi.",
                min=MIN_AGE,
                max=MAX_AGE,
            ),
            field="birth_date",
        )
    if isinstance(data.grade, bool) or not isinstance(data.grade, int) or not 1 <= data.grade <= 12:
        raise DomainError(_l("Lớp (khối) phải từ 1 đến 12."), field="grade")
    if data.gender not in Gender.__members__:
        raise DomainError(_l("Giới tính không hợp lệ."), field="gender")
    if data.status not in StudentStatus.__members__:
        raise DomainError(_l("Tình trạng không hợp lệ."), field="status")
    situations = sorted(set(data.situations or []))
    if any(s not in Situation.__members__ for s in situations):
        raise DomainError(_l("Hoàn cảnh gia đình không hợp lệ."), field="situations")
    if not 0 <= data.distance_m <= distance.MAX_METRES:
        raise DomainError(distance.MESSAGE, field="distance")
    if not 0 <= data.absences <= 200:
        raise DomainError(_l("Số ngày nghỉ phải từ 0 đến 200."), field="absences")
    school = db.session.get(School, data.school_id)
    if school is None or not can_reach_unit(actor, school.unit_id):
        # Another unit's school is, to this user, a school that does not exist.
        raise NotFound(_l("Trường không tồn tại."), field="school_id")
    if data.commune_id and db.session.get(Commune, data.commune_id) is None:
        raise NotFound(_l("Xã/phường không tồn tại."), field="commune_id")
    if db.session.get(Unit, data.unit_id) is None:
        raise NotFound(_l("Đơn vị không tồn tại."), field="unit_id")
    require_unit(actor, data.unit_id)
    phone = normalize_phone(data.guardian_phone)
    if phone and not PHONE_RE.match(phone):
        raise DomainError(
            _l("Số điện thoại người giám hộ không hợp lệ (10 chữ số, bắt đầu bằng 0)."),
            field="guardian_phone",
        )
    return {
        "full_name": name,
        "name_key": name_key(name),
        "birth_date": data.birth_date,
        "gender": Gender(data.gender),
        "ethnicity": clean_name(data.ethnicity)[:40],
        "school_id": data.school_id,
        "grade": data.grade,
        "class_name": data.class_name.strip()[:20],
        "commune_id": data.commune_id or None,
        "address": data.address.strip()[:200],
        "guardian_name": clean_name(data.guardian_name)[:120],
        "guardian_phone": phone,
        "situations": situations,
        "distance_m": data.distance_m,
        "absences": data.absences,
        "repeated_grade": bool(data.repeated_grade),
        "status": StudentStatus(data.status),
        "unit_id": data.unit_id,
        "notes": data.notes.strip(),
    }


def find_duplicate(values: dict, exclude_id: int | None = None) -> Student | None:
    """A student with the same name (ignoring diacritics and spacing), birth date and school."""
    stmt = select(Student).where(
        Student.name_key == values["name_key"],
        Student.birth_date == values["birth_date"],
        Student.school_id == values["school_id"],
    )
    if exclude_id:
        stmt = stmt.where(Student.id != exclude_id)
    return db.session.execute(stmt).scalars().first()


def duplicate_label(actor: User, other: Student):
    """How a possible duplicate is named to this user: its id within their scope, else only
    that one exists in another unit (no id, nothing to look up)."""
    if can_reach_unit(actor, other.unit_id):
        return other.public_id
    return OTHER_UNIT


OTHER_UNIT = _l("ở một đơn vị khác")


def _duplicate_error(other: Student, actor: User) -> Conflict:
    if not can_reach_unit(actor, other.unit_id):
        return Conflict(
            _l(
                "Có thể học sinh này đã có ở một đơn vị khác (trùng họ tên, ngày sinh và "
                "trường). Hãy liên hệ văn phòng Tỉnh Đoàn trước khi thêm."
            ),
            field="full_name",
        )
    return Conflict(
        _l(
            "Học sinh này đã có trong danh sách (%(id)s): trùng họ tên, ngày sinh và trường.",
            id=other.public_id,
        ),
        field="full_name",
    )


def create_student(actor: User, data: StudentData, *, on: date | None = None) -> Student:
    """Add a student; the first step of the timeline is its status. Audited."""
    require_role(actor, WRITERS)
    values = check(actor, data)
    other = find_duplicate(values)
    if other is not None:
        raise _duplicate_error(other, actor)
    student = Student(public_id=new_public_id(Student, "HS"), **values)
    student.history.append(
        StatusChange(
            status=student.status,
            on=on or date.today(),
            by_id=actor.id,
            note=stored_text.vietnamese(NOTE_ADDED),
        )
    )
    db.session.add(student)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(
            _l("Học sinh này đã có trong danh sách (trùng họ tên, ngày sinh và trường)."),
            field="full_name",
        ) from None
    refresh_risk(student)
    db.session.flush()
    record(
        actor,
        "student.create",
        student,
        _l("Thêm học sinh %(id)s", id=student.public_id),
        target_id=student.public_id,
    )
    return student


def update_student(actor: User, student: Student, data: StudentData) -> Student:
    """Edit the file; a status change adds a timeline step. Audited with the difference."""
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    values = check(actor, data)
    other = find_duplicate(values, exclude_id=student.id)
    if other is not None:
        raise _duplicate_error(other, actor)
    changes = diff(student, values)
    if "status" in changes:
        student.history.append(
            StatusChange(status=values["status"], on=date.today(), by_id=actor.id)
        )
    for key, value in values.items():
        setattr(student, key, value)
    refresh_risk(student)
    db.session.flush()
    # Personal data stays out of the log's text: only which fields changed.
    record(
        actor,
        "student.update",
        student,
        _l("Sửa hồ sơ %(id)s", id=student.public_id),
        {k: "…" for k in changes},
        target_id=student.public_id,
    )
    return student


def change_status(
    actor: User, student: Student, status: str, on: date, note: str = ""
) -> StatusChange:
    """Add a dated step to the timeline (back-dating allowed, never into the future)."""
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    if status not in StudentStatus.__members__:
        raise DomainError(_l("Tình trạng không hợp lệ."), field="status")
    if on > date.today():
        raise DomainError(_l("Ngày chuyển tình trạng không thể ở tương lai."), field="on")
    if on < student.birth_date:
        raise DomainError(_l("Ngày chuyển tình trạng phải sau ngày sinh."), field="on")
    step = StatusChange(
        status=StudentStatus(status), on=on, note=note.strip()[:300], by_id=actor.id
    )
    student.history.append(step)
    latest = max(student.history, key=lambda s: (s.on, s.id or 10**9))
    student.status = latest.status
    db.session.flush()
    record(
        actor,
        "student.status",
        student,
        _l(
            "%(id)s: %(status)s từ %(day)s",
            id=student.public_id,
            status=status,
            day=on.isoformat(),
        ),
        target_id=student.public_id,
    )
    return step


def get_student(actor: User, public_id: str, *, audit_read: bool = True) -> Student:
    """One student in the actor's scope; the read itself is audited."""
    require_role(actor, READERS)
    student = db.session.execute(
        select(Student).where(Student.public_id == public_id)
    ).scalar_one_or_none()
    if student is None:
        raise NotFound(_l("Không tìm thấy học sinh."))
    require_unit(actor, student.unit_id)
    if audit_read:
        record(
            actor,
            "student.view",
            student,
            _l("Xem hồ sơ %(id)s", id=student.public_id),
            target_id=student.public_id,
        )
    return student


def search(
    actor: User,
    *,
    q: str = "",
    unit_id: int | None = None,
    school_id: int | None = None,
    grade: int | None = None,
    status: str = "",
    min_risk: int | None = None,
    order: str = "name",
) -> Select:
    """Students in the actor's scope matching the filters."""
    require_role(actor, READERS)
    stmt = select(Student).where(unit_scope_clause(actor, Student.unit_id))
    if q.strip():
        key = name_key(q)
        stmt = stmt.where(
            or_(Student.name_key.contains(key), Student.public_id == q.strip().upper())
        )
    if unit_id:
        from app.auth.guards import unit_subtree_ids

        stmt = stmt.where(Student.unit_id.in_(unit_subtree_ids(unit_id)))
    if school_id:
        stmt = stmt.where(Student.school_id == school_id)
    if grade:
        stmt = stmt.where(Student.grade == grade)
    if status in StudentStatus.__members__:
        stmt = stmt.where(Student.status == StudentStatus(status))
    if min_risk is not None:
        stmt = stmt.where(Student.risk_score >= min_risk)
    if order == "risk":
        return stmt.order_by(Student.risk_score.desc(), Student.name_key)
    return stmt.order_by(Student.name_key, Student.id)
