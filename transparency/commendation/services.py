"""Find who to commend for a period, rank them by their figures, let the secretariat edit."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause, unit_subtree_ids
from app.auth.models import User
from app.errors import DomainError, NotFound
from app.extensions import db
from app.units.models import Unit
from campaigns.models import FundraisingPage, ReferralCode, ReferralCredit
from students.activities.models import Activity
from students.care.models import Visit
from students.peer.models import PeerPair
from students.registry.models import StatusChange, Student, StudentStatus
from transparency.commendation.models import CommendationEntry, CommendationList

READERS = ("admin", "manager", "treasurer", "auditor")
WRITERS = ("admin", "manager")
# Points of each figure in the ranking (money per million đồng).
WEIGHTS = {"returned": 10, "pairs_ok": 5, "activities": 3, "visits": 1, "money_m": 1}
FIGURES = ("money", "returned", "visits", "pairs_ok", "activities")
FIGURE = {
    "money": _l("Tiền vận động qua đường dẫn"),
    "returned": _l("Học sinh trở lại lớp"),
    "visits": _l("Lần thăm hộ gia đình"),
    "pairs_ok": _l("Đôi bạn tiến bộ"),
    "activities": _l("Hoạt động đã tổ chức"),
}
TOP = 10


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime.combine(first, time.min, tzinfo=UTC) - timedelta(hours=7)
    return start, start + timedelta(days=(last - first).days + 1)


def _score(figures: dict) -> int:
    return (
        figures.get("returned", 0) * WEIGHTS["returned"]
        + figures.get("pairs_ok", 0) * WEIGHTS["pairs_ok"]
        + figures.get("activities", 0) * WEIGHTS["activities"]
        + figures.get("visits", 0) * WEIGHTS["visits"]
        + figures.get("money", 0) // 1_000_000 * WEIGHTS["money_m"]
    )


def unit_figures(units: set[int], first: date, last: date) -> dict[int, Counter]:
    """Each unit's own figures of the period."""
    start, end = _bounds(first, last)
    out: dict[int, Counter] = defaultdict(Counter)
    for unit_id, amount in db.session.execute(
        select(ReferralCode.unit_id, func.sum(ReferralCredit.amount))
        .join(ReferralCode, ReferralCode.id == ReferralCredit.referral_code_id)
        .where(ReferralCode.unit_id.in_(units), ReferralCredit.at >= start, ReferralCredit.at < end)
        .group_by(ReferralCode.unit_id)
    ):
        out[unit_id]["money"] += int(amount or 0)
    for unit_id, n in db.session.execute(
        select(Student.unit_id, func.count(func.distinct(StatusChange.student_id)))
        .join(Student, Student.id == StatusChange.student_id)
        .where(
            Student.unit_id.in_(units),
            StatusChange.status == StudentStatus.returned,
            StatusChange.on >= first,
            StatusChange.on <= last,
        )
        .group_by(Student.unit_id)
    ):
        out[unit_id]["returned"] += n
    for unit_id, n in db.session.execute(
        select(Student.unit_id, func.count(Visit.id))
        .join(Student, Student.id == Visit.student_id)
        .where(Student.unit_id.in_(units), Visit.visited_on >= first, Visit.visited_on <= last)
        .group_by(Student.unit_id)
    ):
        out[unit_id]["visits"] += n
    for pair in db.session.execute(
        select(PeerPair).where(
            PeerPair.unit_id.in_(units), PeerPair.started_on >= first, PeerPair.started_on <= last
        )
    ).scalars():
        out[pair.unit_id]["pairs_ok"] += int(any(r.succeeded for r in pair.results))
    for unit_id, n in db.session.execute(
        select(Activity.unit_id, func.count(Activity.id))
        .where(Activity.unit_id.in_(units), Activity.held_on >= first, Activity.held_on <= last)
        .group_by(Activity.unit_id)
    ):
        out[unit_id]["activities"] += n
    return out


def people_figures(units: set[int], first: date, last: date) -> dict[tuple[str, str], Counter]:
    """Adults behind the work: page owners (money through their page), members who visited
    households, teachers and members who followed pairs that succeeded. Keyed (name, unit)."""
    start, end = _bounds(first, last)
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    names = {u.id: u.name for u in db.session.execute(select(Unit)).scalars()}
    for owner, unit_id, amount in db.session.execute(
        select(FundraisingPage.owner_name, FundraisingPage.unit_id, func.sum(ReferralCredit.amount))
        .join(ReferralCredit, ReferralCredit.referral_code_id == FundraisingPage.referral_code_id)
        .where(
            FundraisingPage.unit_id.in_(units), ReferralCredit.at >= start, ReferralCredit.at < end
        )
        .group_by(FundraisingPage.owner_name, FundraisingPage.unit_id)
    ):
        out[(owner, names.get(unit_id, ""))]["money"] += int(amount or 0)
    for name, unit_id, n in db.session.execute(
        select(User.display_name, User.unit_id, func.count(Visit.id))
        .join(User, User.id == Visit.created_by_id)
        .join(Student, Student.id == Visit.student_id)
        .where(Student.unit_id.in_(units), Visit.visited_on >= first, Visit.visited_on <= last)
        .group_by(User.display_name, User.unit_id)
    ):
        out[(name, names.get(unit_id, ""))]["visits"] += n
    for pair in db.session.execute(
        select(PeerPair).where(
            PeerPair.unit_id.in_(units), PeerPair.started_on >= first, PeerPair.started_on <= last
        )
    ).scalars():
        if any(r.succeeded for r in pair.results):
            out[(pair.follower, names.get(pair.unit_id, ""))]["pairs_ok"] += 1
    return out


def ranked_entries(unit: Unit, first: date, last: date) -> list[CommendationEntry]:
    """The top ten units and the top ten people of the unit's subtree for the period, ranked
    by their score, each with the figures behind it."""
    units = unit_subtree_ids(unit.id)
    names = {u.id: u.name for u in db.session.execute(select(Unit)).scalars()}
    by_unit = unit_figures(units, first, last)
    ranked = sorted(
        ((uid, dict(f)) for uid, f in by_unit.items() if _score(f) > 0),
        key=lambda x: (-_score(x[1]), names.get(x[0], "")),
    )[:TOP]
    entries = [
        CommendationEntry(
            kind="unit",
            name=names.get(uid, ""),
            figures=figures,
            score=_score(figures),
            position=i,
        )
        for i, (uid, figures) in enumerate(ranked, start=1)
    ]
    people = sorted(
        ((key, dict(f)) for key, f in people_figures(units, first, last).items() if _score(f) > 0),
        key=lambda x: (-_score(x[1]), x[0]),
    )[:TOP]
    entries += [
        CommendationEntry(
            kind="person",
            name=name,
            unit_name=unit_name,
            figures=figures,
            score=_score(figures),
            position=i,
        )
        for i, ((name, unit_name), figures) in enumerate(people, start=1)
    ]
    return entries


def create_list(
    actor: User, *, title: str, first: date | None, last: date | None, unit_id: int | None
) -> CommendationList:
    """Rank the units and people of the period (the top ten of each), as a list to edit."""
    require_role(actor, WRITERS)
    if not (title or "").strip():
        raise DomainError(_l("Vui lòng nhập tên danh sách."), field="title")
    if first is None or last is None:
        raise DomainError(_l("Vui lòng nhập khoảng ngày."), field="first")
    if last < first:
        raise DomainError(_l("Ngày cuối phải sau ngày đầu."), field="last")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(_l("Vui lòng chọn đơn vị."), field="unit_id")
    require_unit(actor, unit.id)
    item = CommendationList(
        title=title.strip()[:200], first=first, last=last, unit_id=unit.id, created_by_id=actor.id
    )
    item.entries = ranked_entries(unit, first, last)
    db.session.add(item)
    db.session.flush()
    record(
        actor, "commendation.create", item, _l("Lập danh sách tuyên dương “%(t)s”", t=item.title)
    )
    return item


def get_list(actor: User, list_id: int) -> CommendationList:
    """A list of a unit in the actor's scope."""
    require_role(actor, READERS)
    item = db.session.get(CommendationList, list_id)
    if item is None:
        raise NotFound(_l("Không tìm thấy danh sách tuyên dương."))
    require_unit(actor, item.unit_id)
    return item


def lists(actor: User) -> list[CommendationList]:
    """Lists in scope, newest first."""
    require_role(actor, READERS)
    return list(
        db.session.execute(
            select(CommendationList)
            .where(unit_scope_clause(actor, CommendationList.unit_id))
            .order_by(CommendationList.id.desc())
        ).scalars()
    )


def printed(item: CommendationList) -> tuple[list, list]:
    """What is read at the meeting: the included units, then people, each in the order the
    secretariat set."""
    chosen = sorted((e for e in item.entries if e.included), key=lambda e: (e.position, e.id))
    return [e for e in chosen if e.kind == "unit"], [e for e in chosen if e.kind == "person"]


def edit_entries(actor: User, item: CommendationList, changes: dict[int, dict]) -> int:
    """Include or leave out, reorder, write the citation: {entry id: {included, position,
    citation}}. Refuses a position that is not a whole number from 1."""
    require_role(actor, WRITERS)
    require_unit(actor, item.unit_id)
    count = 0
    for entry in item.entries:
        change = changes.get(entry.id)
        if change is None:
            continue
        position = str(change.get("position", entry.position)).strip()
        if not position.isdigit() or int(position) < 1:
            raise DomainError(
                _l("Thứ tự phải là số nguyên từ 1 (%(name)s).", name=entry.name),
                field="position",
            )
        entry.position = int(position)
        entry.included = bool(change.get("included"))
        entry.citation = (change.get("citation") or "").strip()[:1000]
        count += 1
    db.session.flush()
    record(actor, "commendation.edit", item, _l("Sửa danh sách tuyên dương “%(t)s”", t=item.title))
    return count
