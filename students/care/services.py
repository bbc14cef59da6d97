"""Consent, household visits and term outcomes."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app import private_files
from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import Conflict, DomainError
from app.extensions import db
from students.care import risk
from students.care.models import Cause, Consent, ConsentScope, Outcome, OutcomeStatus, Visit
from students.registry.models import Student
from students.registry.services import WRITERS

CHILD_CONSENT_AGE = 7  # the personal-data decree asks the child too, from age 7
TERM_RE = re.compile(r"^(\d{4})-(\d{4}) HK([12])$")
SCAN_FOLDER = "consents"


def record_consent(
    actor: User,
    student: Student,
    *,
    guardian_name: str,
    given_on: date,
    scope: str,
    child_agreed: bool,
    scan: bytes | None = None,
    scan_name: str = "",
) -> Consent:
    """A new consent replaces the previous one; the scan goes to private storage.

    The scan is checked here and written only after the commit (`private_files`); earlier
    consents keep their own scans (they are the record of what was agreed when).
    """
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    if not guardian_name.strip():
        raise DomainError(_l("Vui lòng nhập tên người giám hộ đã đồng ý."), field="guardian_name")
    if given_on > date.today():
        raise DomainError(_l("Ngày đồng ý không thể ở tương lai."), field="given_on")
    if given_on < student.birth_date:
        raise DomainError(_l("Ngày đồng ý phải sau ngày sinh của học sinh."), field="given_on")
    if scope not in ConsentScope.__members__:
        raise DomainError(_l("Phạm vi công khai không hợp lệ."), field="scope")
    scope_ = ConsentScope(scope)
    if (
        scope_ != ConsentScope.none
        and student.age_on(given_on) >= CHILD_CONSENT_AGE
        and not child_agreed
    ):
        raise DomainError(
            _l("Học sinh từ 7 tuổi trở lên cũng phải đồng ý thì mới được công khai thông tin."),
            field="child_agreed",
        )
    pending = private_files.scan(scan, scan_name, SCAN_FOLDER, field="scan") if scan else None
    consent = Consent(
        guardian_name=guardian_name.strip()[:120],
        given_on=given_on,
        scope=scope_,
        child_agreed=bool(child_agreed),
        scan_path=pending.relative if pending else None,
        recorded_by_id=actor.id,
    )
    student.consents.append(consent)
    db.session.flush()
    record(
        actor,
        "student.consent",
        student,
        _l("Đồng ý công khai (%(scope)s) cho %(id)s", scope=scope, id=student.public_id),
        {"scope": scope},
        target_id=student.public_id,
    )
    if pending is not None:
        private_files.save_after_commit([pending])
    return consent


def withdraw_consent(actor: User, consent: Consent, on: date) -> Consent:
    """From `on`, nothing about the student is public any more."""
    require_role(actor, WRITERS)
    require_unit(actor, consent.student.unit_id)
    if consent.withdrawn_on is not None:
        raise Conflict(_l("Sự đồng ý này đã được rút trước đó."))
    if on > date.today() or on < consent.given_on:
        raise DomainError(_l("Ngày rút phải từ ngày đồng ý đến hôm nay."), field="on")
    consent.withdrawn_on = on
    db.session.flush()
    record(
        actor,
        "student.consent_withdraw",
        consent.student,
        _l("Rút đồng ý của %(id)s", id=consent.student.public_id),
        target_id=consent.student.public_id,
    )
    return consent


def add_visit(
    actor: User,
    student: Student,
    *,
    visited_on: date,
    visitors: str,
    met: str = "",
    findings: str = "",
    causes: list[str] | None = None,
    family_wishes: str = "",
    child_wishes: str = "",
    actions: str = "",
    next_visit_on: date | None = None,
) -> Visit:
    """Record a household visit; the risk score takes its causes into account. Audited."""
    require_role(actor, WRITERS)
    require_unit(actor, student.unit_id)
    if visited_on > date.today():
        raise DomainError(_l("Ngày thăm không thể ở tương lai."), field="visited_on")
    if visited_on < student.birth_date:
        raise DomainError(_l("Ngày thăm phải sau ngày sinh của học sinh."), field="visited_on")
    if not visitors.strip():
        raise DomainError(_l("Vui lòng ghi ai đã đi thăm."), field="visitors")
    causes = sorted(set(causes or []))
    if any(c not in Cause.__members__ for c in causes):
        raise DomainError(_l("Nguyên nhân không hợp lệ."), field="causes")
    if next_visit_on is not None and next_visit_on <= visited_on:
        raise DomainError(_l("Ngày thăm lần sau phải sau ngày thăm này."), field="next_visit_on")
    visit = Visit(
        visited_on=visited_on,
        visitors=visitors.strip()[:300],
        met=met.strip()[:300],
        findings=findings.strip(),
        causes=causes,
        family_wishes=family_wishes.strip(),
        child_wishes=child_wishes.strip(),
        actions=actions.strip(),
        next_visit_on=next_visit_on,
        created_by_id=actor.id,
    )
    student.visits.append(visit)
    db.session.flush()
    db.session.expire(student, ["visits"])  # newest first again, for the score
    risk.refresh(student)
    db.session.flush()
    record(
        actor,
        "student.visit",
        student,
        _l(
            "Thăm hộ gia đình %(id)s ngày %(day)s",
            id=student.public_id,
            day=visited_on.isoformat(),
        ),
        target_id=student.public_id,
    )
    return visit


def visits_due(actor: User, until: date) -> Select:
    """Students whose latest visit asks for a next visit on or before `until`, soonest first."""
    require_role(actor, WRITERS + ("auditor",))
    latest = (
        select(Visit.student_id, db.func.max(Visit.id).label("visit_id"))
        .group_by(Visit.student_id)
        .subquery()
    )
    return (
        select(Visit)
        .join(latest, Visit.id == latest.c.visit_id)
        .join(Student, Student.id == Visit.student_id)
        .where(Visit.next_visit_on.is_not(None), Visit.next_visit_on <= until)
        .where(unit_scope_clause(actor, Student.unit_id))
        .order_by(Visit.next_visit_on, Visit.id)
    )


def check_term(term: str) -> str:
    """ "2025-2026 HK1": consecutive school years and a term number."""
    match = TERM_RE.match((term or "").strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise DomainError(
            _l("Học kỳ phải có dạng “2025-2026 HK1” (hai năm liền nhau, HK1 hoặc HK2)."),
            field="term",
        )
    return match[0]


def record_outcomes(actor: User, term: str, statuses: dict[int, tuple[str, str]]) -> int:
    """Save each student's status for `term` ({student id: (status, note)}); returns how many."""
    require_role(actor, WRITERS)
    term = check_term(term)
    count = 0
    for student_id, (status, note) in statuses.items():
        if not status:
            continue
        if status not in OutcomeStatus.__members__:
            raise DomainError(_l("Tình trạng cuối kỳ không hợp lệ."))
        student = db.session.get(Student, student_id)
        if student is None:
            raise DomainError(_l("Không tìm thấy học sinh."))
        require_unit(actor, student.unit_id)
        row = db.session.execute(
            select(Outcome).where(Outcome.student_id == student_id, Outcome.term == term)
        ).scalar_one_or_none()
        if row is None:
            row = Outcome(
                student_id=student_id,
                term=term,
                recorded_by_id=actor.id,
                status=OutcomeStatus(status),
            )
            db.session.add(row)
        row.status = OutcomeStatus(status)
        row.note = note.strip()[:300]
        row.recorded_by_id = actor.id
        count += 1
    db.session.flush()
    record(
        actor,
        "student.outcomes",
        None,
        _l("Ghi kết quả %(term)s cho %(n)s học sinh", term=term, n=count),
        target_type="Outcome",
        target_id=term,
    )
    return count


def outcomes_of(student: Student) -> list[Outcome]:
    """A student's outcomes, latest term first."""
    return list(
        db.session.execute(
            select(Outcome).where(Outcome.student_id == student.id).order_by(Outcome.term.desc())
        ).scalars()
    )
