"""Rule-based, transparent risk points; an admin edits the weights."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.service import record
from app.auth.guards import require_role
from app.errors import DomainError
from app.extensions import db
from students.care.models import RiskWeight
from students.registry.models import Situation, Student

# key → (default points, label). The rule that uses each key is in `explain`.
RULES: dict[str, tuple[int, object]] = {
    "poor": (3, _l("Hộ nghèo")),
    "near_poor": (2, _l("Hộ cận nghèo")),
    "orphan": (3, _l("Mồ côi")),
    "disability": (2, _l("Khuyết tật")),
    "other_situation": (1, _l("Hoàn cảnh khác")),
    "distance_5km": (2, _l("Nhà cách trường từ 5 km")),
    "distance_10km": (2, _l("Nhà cách trường từ 10 km (cộng thêm)")),
    "absence_5days": (1, _l("Mỗi 5 ngày nghỉ học trong kỳ (tối đa 4 lần)")),
    "repeated_grade": (2, _l("Đã lưu ban")),
    "visit_cause": (1, _l("Mỗi nguyên nhân ghi nhận ở lần thăm gần nhất")),
}
MAX_POINTS = 20


@dataclass(frozen=True)
class Reason:
    """One line of a score's explanation."""

    key: str
    label: object
    times: int
    points: int


def weights() -> dict[str, int]:
    """Current points per rule: stored values over the defaults."""
    stored = {w.key: w.points for w in db.session.execute(select(RiskWeight)).scalars()}
    return {key: stored.get(key, default) for key, (default, _) in RULES.items()}


def explain(student: Student, table: dict[str, int] | None = None) -> list[Reason]:
    """Which rules apply to the student, how often, and their points."""
    table = table or weights()
    hits: list[tuple[str, int]] = []
    situation_keys = {
        Situation.poor: "poor",
        Situation.near_poor: "near_poor",
        Situation.orphan: "orphan",
        Situation.disability: "disability",
        Situation.other: "other_situation",
    }
    for value in student.situations or []:
        key = situation_keys.get(Situation(value)) if value in Situation.__members__ else None
        if key:
            hits.append((key, 1))
    if student.distance_m >= 5000:
        hits.append(("distance_5km", 1))
    if student.distance_m >= 10000:
        hits.append(("distance_10km", 1))
    if student.absences >= 5:
        hits.append(("absence_5days", min(student.absences // 5, 4)))
    if student.repeated_grade:
        hits.append(("repeated_grade", 1))
    latest = student.visits[0] if student.visits else None
    if latest and latest.causes:
        hits.append(("visit_cause", len(latest.causes)))
    return [Reason(k, RULES[k][1], n, n * table[k]) for k, n in hits]


def score(student: Student, table: dict[str, int] | None = None) -> int:
    """The sum of the reasons' points."""
    return sum(r.points for r in explain(student, table))


def refresh(student: Student, table: dict[str, int] | None = None) -> None:
    """Store the score on the student, so lists can filter and sort by it."""
    student.risk_score = score(student, table)


def save_weights(actor, values: dict[str, int]) -> None:
    """An admin sets the points; every student's score is recomputed. Audited."""
    require_role(actor, ["admin"])
    old = weights()
    for key, points in values.items():
        if key not in RULES:
            raise DomainError(_l("Quy tắc không tồn tại: %(key)s.", key=key))
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
            raise DomainError(
                _l("Điểm phải là số nguyên từ 0 đến %(max)s.", max=MAX_POINTS), field=key
            )
    for key, points in values.items():
        row = db.session.get(RiskWeight, key)
        if row is None:
            db.session.add(RiskWeight(key=key, points=points))
        else:
            row.points = points
    db.session.flush()
    table = weights()
    for student in db.session.execute(select(Student)).scalars():
        refresh(student, table)
    db.session.flush()
    changes = {k: [old[k], v] for k, v in values.items() if old[k] != v}
    record(
        actor,
        "student.risk_weights",
        None,
        _l("Sửa trọng số điểm nguy cơ"),
        changes,
        target_type="RiskWeight",
    )
