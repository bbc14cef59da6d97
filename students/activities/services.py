"""Record a unit's activity, list them, and what its campaign raised (from the ledger)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.errors import DomainError, NotFound
from app.extensions import db
from campaigns.figures import figures_for
from campaigns.models import Campaign
from students.activities.models import PARTICIPANT_GROUPS, Activity, ActivityKind
from students.registry.services import READERS, WRITERS

MAX_COUNT = 100_000
MAX_DAYS = 92  # a summer class lasts a season at most


@dataclass
class ActivityData:
    """What the form gives."""

    unit_id: int | None
    kind: str
    title: str
    held_on: date | None
    place: str
    ends_on: date | None = None
    organisers: str = ""
    participants: dict | None = None
    students_reached: int | None = 0
    campaign_id: int | None = None
    notes: str = ""


def _check(actor: User, data: ActivityData) -> dict:
    require_unit(actor, data.unit_id)
    if data.kind not in ActivityKind.__members__:
        raise DomainError(_l("Loại hoạt động không hợp lệ."), field="kind")
    if not (data.title or "").strip():
        raise DomainError(_l("Vui lòng nhập tên hoạt động."), field="title")
    if data.held_on is None:
        raise DomainError(_l("Vui lòng nhập ngày."), field="held_on")
    if data.ends_on is not None:
        if data.ends_on < data.held_on:
            raise DomainError(_l("Ngày kết thúc phải từ ngày bắt đầu trở đi."), field="ends_on")
        if (data.ends_on - data.held_on).days > MAX_DAYS:
            raise DomainError(
                _l("Một hoạt động kéo dài tối đa %(n)s ngày.", n=MAX_DAYS), field="ends_on"
            )
    if not (data.place or "").strip():
        raise DomainError(_l("Vui lòng nhập địa điểm."), field="place")
    participants = {}
    for group, count in (data.participants or {}).items():
        if group not in PARTICIPANT_GROUPS:
            raise DomainError(_l("Nhóm người tham gia không hợp lệ."), field="participants")
        if count is None:
            continue
        if not 0 <= count <= MAX_COUNT:
            raise DomainError(
                _l("Số người tham gia phải từ 0 đến %(n)s.", n=MAX_COUNT), field=f"p_{group}"
            )
        if count:
            participants[group] = count
    reached = data.students_reached or 0
    if not 0 <= reached <= MAX_COUNT:
        raise DomainError(
            _l("Số học sinh được hỗ trợ phải từ 0 đến %(n)s.", n=MAX_COUNT),
            field="students_reached",
        )
    if data.campaign_id and db.session.get(Campaign, data.campaign_id) is None:
        raise DomainError(_l("Không tìm thấy chiến dịch."), field="campaign_id")
    return {
        "unit_id": data.unit_id,
        "kind": ActivityKind(data.kind),
        "title": data.title.strip()[:200],
        "held_on": data.held_on,
        "ends_on": data.ends_on,
        "place": data.place.strip()[:200],
        "organisers": (data.organisers or "").strip()[:300],
        "participants": participants,
        "students_reached": reached,
        "campaign_id": data.campaign_id or None,
        "notes": (data.notes or "").strip(),
    }


def save_activity(actor: User, activity: Activity | None, data: ActivityData) -> Activity:
    """Create or edit an activity of a unit in the actor's scope. Audited."""
    require_role(actor, WRITERS)
    if activity is not None:
        require_unit(actor, activity.unit_id)
    values = _check(actor, data)
    if activity is None:
        activity = Activity(created_by_id=actor.id)
        db.session.add(activity)
    for name, value in values.items():
        setattr(activity, name, value)
    db.session.flush()
    record(
        actor,
        "unit.activity",
        activity,
        _l("Lưu hoạt động “%(title)s”", title=activity.title),
        {"kind": data.kind, "students_reached": values["students_reached"]},
    )
    return activity


def get_activity(actor: User, activity_id: int) -> Activity:
    """An activity of a unit in the actor's scope."""
    require_role(actor, READERS)
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound(_l("Không tìm thấy hoạt động."))
    require_unit(actor, activity.unit_id)
    return activity


def activities(
    actor: User, *, first: date | None = None, last: date | None = None, unit_id=None
) -> Select:
    """Activities in scope, latest first."""
    require_role(actor, READERS)
    stmt = (
        select(Activity)
        .where(unit_scope_clause(actor, Activity.unit_id))
        .order_by(Activity.held_on.desc(), Activity.id.desc())
    )
    if first:
        stmt = stmt.where(Activity.held_on >= first)
    if last:
        stmt = stmt.where(Activity.held_on <= last)
    if unit_id:
        stmt = stmt.where(Activity.unit_id == unit_id)
    return stmt


def raised(activity: Activity) -> dict[str, int]:
    """What the linked campaign raised, by asset, as its figures say (the ledger)."""
    if activity.campaign is None:
        return {}
    account = activity.campaign.account
    return dict(figures_for([account])[account].raised)


def campaign_choices() -> list[tuple[int | None, str]]:
    """Campaigns an activity may collect through."""
    rows = db.session.execute(select(Campaign).order_by(Campaign.title)).scalars()
    return [(None, "—")] + [(c.id, c.title) for c in rows]
