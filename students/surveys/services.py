"""Start a unit's survey pre-filled, complete and submit it, consolidate the submitted ones."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause, unit_subtree_ids
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.units.models import Unit
from students import schoolyear
from students.care.models import Cause
from students.registry.models import Gender
from students.registry.services import READERS, WRITERS
from students.surveys.figures import (
    DIMENSIONS,
    MEASURES,
    Key,
    counts_from_lines,
    ethnic_group,
    outermost,
    registry_lines,
    supported_count,
    visit_causes,
)
from students.surveys.models import Period, Survey, SurveyLine, SurveyStatus

MAX_COUNT = 100_000
GENDER_WORDS = {"female": _l("nữ"), "male": _l("nam"), "other": _l("giới tính khác")}


def line_label(key: Key) -> str:
    """ "Lớp 7 · nữ · Thái": a line as the form and its messages name it."""
    _measure, grade, gender, group = key
    return " · ".join(
        [str(_l("Lớp %(g)s", g=grade)), str(GENDER_WORDS[gender]), group or str(_l("chưa ghi"))]
    )


def fill_lines(survey: Survey, lines: dict[Key, int]) -> None:
    """Set the survey's lines and keep its summary row in step with them. A line kept is
    updated in place: the flush inserts before it deletes, so a line removed and added again
    with the same key would break the unique constraint."""
    existing = {line.key: line for line in survey.lines}
    for key, line in existing.items():
        if key in lines:
            line.count = lines[key]
        else:
            survey.lines.remove(line)
    for (m, g, gen, grp), n in sorted(lines.items()):
        if (m, g, gen, grp) not in existing:
            survey.lines.append(
                SurveyLine(measure=m, grade=g, gender=Gender(gen), ethnic_group=grp, count=n)
            )
    survey.counts = counts_from_lines(lines)


def start_survey(actor: User, unit_id: int | None, school_year: str, period: str) -> Survey:
    """A draft for the unit and period, pre-filled from the registry and the visits; the
    existing one if the unit already started it."""
    require_role(actor, WRITERS)
    require_unit(actor, unit_id)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(_l("Vui lòng chọn đơn vị."), field="unit_id")
    year = schoolyear.check_year(school_year)
    if period not in Period.__members__:
        raise DomainError(_l("Kỳ khảo sát không hợp lệ."), field="period")
    existing = db.session.execute(
        select(Survey).where(
            Survey.unit_id == unit.id, Survey.school_year == year, Survey.period == Period(period)
        )
    ).scalar_one_or_none()
    if existing is not None:
        if existing.status == SurveyStatus.draft and not existing.lines:
            # A draft started before surveys had lines (migration 0095): pre-fill them now.
            fill_lines(existing, registry_lines(unit_subtree_ids(unit.id)))
            db.session.flush()
        return existing
    units = unit_subtree_ids(unit.id)
    survey = Survey(
        unit_id=unit.id,
        school_year=year,
        period=Period(period),
        causes=visit_causes(units),
        supported=supported_count(units),
        reasons={},
    )
    fill_lines(survey, registry_lines(units))
    db.session.add(survey)
    db.session.flush()
    record(actor, "unit.survey_start", survey, _l("Bắt đầu khảo sát %(y)s", y=year))
    return survey


def get_survey(actor: User, survey_id: int) -> Survey:
    """A survey of a unit in the actor's scope."""
    require_role(actor, READERS)
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(_l("Không tìm thấy phiếu khảo sát."))
    require_unit(actor, survey.unit_id)
    return survey


def _whole(value, name: str) -> int:
    if value is None or value == "":
        return 0
    if not str(value).strip().isdigit() or int(value) > MAX_COUNT:
        raise DomainError(_l("Số phải là số nguyên từ 0 đến %(n)s.", n=MAX_COUNT), field=name)
    return int(value)


def _line(i: int, raw: dict) -> tuple[Key, int]:
    """One line of the form, checked: its key and its count."""
    measure = raw.get("measure")
    if measure not in MEASURES:
        raise DomainError(
            _l("Dòng %(i)s: chỉ tiêu không hợp lệ.", i=i + 1), field=f"line-{i}-count"
        )
    grade = str(raw.get("grade") or "").strip()
    if not grade.isdigit() or not 1 <= int(grade) <= 12:
        raise DomainError(_l("Lớp phải từ 1 đến 12."), field=f"line-{i}-grade")
    gender = raw.get("gender")
    if gender not in Gender.__members__:
        raise DomainError(_l("Vui lòng chọn giới tính."), field=f"line-{i}-gender")
    group = ethnic_group(raw.get("ethnic_group") or "")
    if len(group) > 40:
        raise DomainError(_l("Tên dân tộc tối đa 40 ký tự."), field=f"line-{i}-group")
    return (str(measure), int(grade), str(gender), group), _whole(
        raw.get("count"), f"line-{i}-count"
    )


def save_survey(
    actor: User,
    survey: Survey,
    *,
    lines: list[dict],
    reasons: dict,
    causes: dict,
    supported,
    support_note: str,
    submit: bool,
) -> Survey:
    """Save the unit's lines (measure × grade × gender × ethnic group); submitting sends them
    to the province (then they are final).

    A line counted below the registry's confirmed figure (a line left out counts 0) needs a
    reason for its measure (a child moved away, a record wrong); a line may appear once.
    """
    require_role(actor, WRITERS)
    require_unit(actor, survey.unit_id)
    if survey.status == SurveyStatus.submitted:
        raise Conflict(_l("Phiếu đã gửi lên tỉnh, không sửa được nữa."))
    registry = registry_lines(unit_subtree_ids(survey.unit_id))
    kept: dict[Key, int] = {}
    for i, raw in enumerate(lines):
        key, count = _line(int(raw.get("index", i)), raw)
        if key in kept:
            raise DomainError(
                _l("%(line)s đã có ở một dòng khác.", line=line_label(key)),
                field=f"line-{raw.get('index', i)}-count",
            )
        kept[key] = count
    kept_reasons: dict[str, str] = {}
    for measure in MEASURES:
        reason = (reasons.get(measure) or "").strip()
        below = sorted(k for k, n in registry.items() if k[0] == measure and kept.get(k, 0) < n)
        if below and not reason:
            key = below[0]
            raise DomainError(
                _l(
                    "%(line)s: %(n)s học sinh, thấp hơn danh sách đã xác nhận (%(r)s): "
                    "vui lòng ghi lý do.",
                    line=line_label(key),
                    n=kept.get(key, 0),
                    r=registry[key],
                ),
                field=f"reason_{measure}",
            )
        if reason:
            kept_reasons[measure] = reason[:300]
    fill_lines(survey, kept)
    survey.reasons = kept_reasons
    survey.causes = {c.value: _whole(causes.get(c.value), f"cause_{c.value}") for c in Cause}
    survey.supported = _whole(supported, "supported")
    survey.support_note = (support_note or "").strip()
    if submit:
        survey.status = SurveyStatus.submitted
        survey.submitted_at = utcnow()
        survey.submitted_by_id = actor.id
    db.session.flush()
    record(
        actor,
        "unit.survey_submit" if submit else "unit.survey_save",
        survey,
        _l("Gửi khảo sát %(y)s", y=survey.school_year)
        if submit
        else _l("Lưu khảo sát %(y)s", y=survey.school_year),
    )
    return survey


def surveys(actor: User, school_year: str) -> list[Survey]:
    """Surveys of the year in scope."""
    require_role(actor, READERS)
    return list(
        db.session.execute(
            select(Survey)
            .where(Survey.school_year == school_year, unit_scope_clause(actor, Survey.unit_id))
            .order_by(Survey.period, Survey.unit_id)
        ).scalars()
    )


@dataclass
class Consolidation:
    """The province's view of one period: each counted unit and the sums."""

    surveys: list[Survey]
    counts: dict = field(default_factory=dict)
    causes: dict = field(default_factory=dict)
    supported: int = 0
    lines: dict = field(default_factory=dict)  # {(measure, grade, gender, group): n}
    missing: list[Unit] = field(default_factory=list)


def consolidate(actor: User, school_year: str, period: str) -> Consolidation:
    """Sum the submitted surveys; a unit whose parent (or higher) also submitted is counted
    within it, not twice. Units directly under the province that have not submitted are
    listed as missing."""
    require_role(actor, ("admin", "auditor", "manager"))
    year = schoolyear.check_year(school_year)
    if period not in Period.__members__:
        raise DomainError(_l("Kỳ khảo sát không hợp lệ."), field="period")
    submitted = list(
        db.session.execute(
            select(Survey).where(
                Survey.school_year == year,
                Survey.period == Period(period),
                Survey.status == SurveyStatus.submitted,
                unit_scope_clause(actor, Survey.unit_id),
            )
        ).scalars()
    )
    covered = {s.unit_id: unit_subtree_ids(s.unit_id) - {s.unit_id} for s in submitted}
    counted = outermost(submitted)
    out = Consolidation(surveys=sorted(counted, key=lambda s: s.unit.name))
    out.counts = {m: dict.fromkeys(DIMENSIONS, 0) for m in MEASURES}
    out.causes = {c.value: 0 for c in Cause}
    for s in counted:
        for m in MEASURES:
            for d in DIMENSIONS:
                out.counts[m][d] += int(s.counts.get(m, {}).get(d, 0))
        for c in out.causes:
            out.causes[c] += int(s.causes.get(c, 0))
        out.supported += s.supported
        for line in s.lines:
            out.lines[line.key] = out.lines.get(line.key, 0) + line.count
    top = db.session.execute(
        select(Unit).where(Unit.parent.has(Unit.parent_id.is_(None)), Unit.active.is_(True))
    ).scalars()
    done = {s.unit_id for s in submitted}
    out.missing = [
        u
        for u in top
        if u.id not in done
        and not any(u.id in covered[s] for s in covered)
        and db.session.execute(
            select(Unit.id).where(unit_scope_clause(actor, Unit.id), Unit.id == u.id)
        ).first()
    ]
    return out
