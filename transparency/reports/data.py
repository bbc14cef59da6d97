"""The figures of a "sơ kết" (mid-term) or "tổng kết" (year-end) report for a date range and a
unit scope: money in, goods, students supported, visits and causes, students returned and kept
in school, peer pairs, entitlements, activities. Counts of children are suppressed (tables)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth.guards import unit_subtree_ids
from app.extensions import db
from app.ledger.models import Asset
from app.units.models import Unit
from campaigns.models import Campaign
from donations.models import Donation
from donations.receipts.services import PROVIDER_LABELS
from students import schoolyear
from students.activities.models import Activity
from students.care.models import Cause, Visit
from students.entitlements.models import Category, Entitlement
from students.labels import CAUSE
from students.peer.models import PeerPair
from students.registry.models import Gender, Student
from students.rounds.models import AllocationLine, AllocationRound, Handover
from students.surveys.figures import MEASURES, is_minority, level, submitted_lines
from transparency.reports import retention
from transparency.reports.tables import Table

KIND = {"mid_term": _l("Báo cáo sơ kết"), "year_end": _l("Báo cáo tổng kết")}
CATEGORY = {
    Category.tuition_exemption: _l("Miễn học phí"),
    Category.tuition_reduction: _l("Giảm học phí"),
    Category.learning_cost: _l("Hỗ trợ chi phí học tập"),
    Category.boarding: _l("Hỗ trợ bán trú, nội trú"),
    Category.other: _l("Chế độ khác"),
}


@dataclass
class Report:
    """A report's heading and its tables, in order."""

    kind: str
    first: date
    last: date
    unit: Unit
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(KIND.get(self.kind, KIND["year_end"]))

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


class _Rows:
    """Rows of the report: each unit directly under the scope (with everything below it), and
    the scope unit itself for what is filed at its own level."""

    def __init__(self, unit: Unit) -> None:
        children = list(
            db.session.execute(
                select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.kind, Unit.name)
            ).scalars()
        )
        self.labels = [c.name for c in children] + [
            str(_l("%(unit)s (trực thuộc)", unit=unit.name))
        ]
        self.of: dict[int, int] = {unit.id: len(children)}
        for i, child in enumerate(children):
            for uid in unit_subtree_ids(child.id):
                self.of[uid] = i
        self.units = set(self.of)

    def table(self, key, title, cols, counts: dict[int, Counter], keys, **kw) -> Table:
        """`counts[row][key]` laid out row by row in the order of `keys`."""
        values = [[counts.get(r, Counter())[k] for k in keys] for r in range(len(self.labels))]
        return Table(key, title, list(self.labels), [str(c) for c in cols], values, **kw)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time.min, tzinfo=UTC) - timedelta(hours=7),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(hours=7),
    )


def build(kind: str, first: date, last: date, unit: Unit) -> Report:
    """Every table of the report for `unit` and below, `first` to `last` (Vietnam days)."""
    report = Report(kind, first, last, unit)
    rows = _Rows(unit)
    start, end = _day_bounds(first, last)
    report.tables += _money(rows, start, end)
    report.tables += _students(rows, first, last)
    report.tables += _follow_up(rows, first, last)
    report.tables += _surveys(rows, kind, first)
    return report


def _money(rows: _Rows, start: datetime, end: datetime) -> list[Table]:
    # Summed by the database per channel, asset, campaign title and unit: a year of gifts is
    # hundreds of thousands of rows, too many to load and label one by one.
    gifts = [
        (provider, asset, title, unit_id, int(amount))
        for provider, asset, title, unit_id, amount in db.session.execute(
            select(
                Donation.provider,
                Donation.asset,
                Campaign.title,
                Campaign.unit_id,
                func.sum(Donation.amount),
            )
            .join(Campaign, Campaign.id == Donation.campaign_id)
            .where(
                Campaign.unit_id.in_(rows.units),
                Donation.ledger_seq.is_not(None),
                Donation.reversal_seq.is_(None),
                Donation.received_at >= start,
                Donation.received_at < end,
            )
            .group_by(Donation.provider, Donation.asset, Campaign.title, Campaign.unit_id)
        ).tuples()
    ]
    label = {p: str(PROVIDER_LABELS.get(p, p)) for p in {g[0] for g in gifts}}
    channels = sorted(set(label.values()))
    campaigns = sorted({title for _p, asset, title, _u, _a in gifts if asset == "VND"})
    row_of = {title: i for i, title in enumerate(campaigns)}
    by_campaign: dict[int, Counter] = defaultdict(Counter)
    by_unit: dict[int, Counter] = defaultdict(Counter)
    goods: Counter = Counter()
    for provider, asset, title, unit_id, amount in gifts:
        if asset != "VND":
            goods[asset] += amount
            continue
        by_campaign[row_of[title]][label[provider]] += amount
        by_unit[rows.of[unit_id]][label[provider]] += amount
    money_campaign = Table(
        "money_campaign",
        str(_l("Tiền ủng hộ theo chiến dịch và kênh")),
        campaigns,
        channels,
        [[by_campaign[i][ch] for ch in channels] for i in range(len(campaigns))],
        sensitive=False,
        asset="VND",
    )
    money_unit = rows.table(
        "money_unit",
        _l("Tiền ủng hộ theo đơn vị"),
        channels,
        by_unit,
        channels,
        sensitive=False,
        asset="VND",
    )
    given: Counter = Counter()
    lines = db.session.execute(
        select(AllocationLine.asset, AllocationLine.amount)
        .join(Handover, Handover.id == AllocationLine.handover_id)
        .join(AllocationRound, AllocationRound.id == AllocationLine.round_id)
        .where(
            AllocationLine.handover_seq.is_not(None),
            AllocationLine.asset != "VND",
            AllocationRound.unit_id.in_(rows.units),
            Handover.handed_on >= (start + timedelta(hours=7)).date(),
            Handover.handed_on < (end + timedelta(hours=7)).date(),
        )
    ).all()
    for asset, amount in lines:
        given[asset] += amount
    assets = sorted(set(goods) | set(given))
    names = dict(db.session.execute(select(Asset.code, Asset.name)).all())
    in_kind = Table(
        "in_kind",
        str(_l("Hiện vật nhận và đã trao")),
        [names.get(a, a) for a in assets],
        [str(_l("Đã nhận")), str(_l("Đã trao"))],
        [[goods[a], given[a]] for a in assets],
        additive=False,
        sensitive=False,
        totals=False,
        row_assets=assets,
    )
    return [money_campaign, money_unit, in_kind]


def _students(rows: _Rows, first: date, last: date) -> list[Table]:
    handed = (
        select(AllocationLine.student_id)
        .join(Handover, Handover.id == AllocationLine.handover_id)
        .where(
            AllocationLine.handover_seq.is_not(None),
            Handover.handed_on >= first,
            Handover.handed_on <= last,
        )
    )
    supported = db.session.execute(
        select(Student).where(Student.unit_id.in_(rows.units), Student.id.in_(handed))
    ).scalars()
    gender: dict[int, Counter] = defaultdict(Counter)
    levels: dict[int, Counter] = defaultdict(Counter)
    group: dict[int, Counter] = defaultdict(Counter)
    for s in supported:
        r = rows.of[s.unit_id]
        gender[r][s.gender.value] += 1
        levels[r][level(s.grade)] += 1
        group[r]["minority" if is_minority(s.ethnicity) else "other"] += 1
    visits = db.session.execute(
        select(Visit, Student.unit_id)
        .join(Student, Student.id == Visit.student_id)
        .where(Student.unit_id.in_(rows.units), Visit.visited_on >= first, Visit.visited_on <= last)
    ).all()
    households: dict[int, set] = defaultdict(set)
    causes: dict[int, Counter] = defaultdict(Counter)
    for visit, unit_id in visits:
        households[rows.of[unit_id]].add(visit.student_id)
    latest = {}
    for visit, unit_id in sorted(visits, key=lambda v: v[0].id):
        latest[visit.student_id] = (visit, unit_id)
    for visit, unit_id in latest.values():
        causes[rows.of[unit_id]].update(visit.causes or [])
    visited = {r: Counter({"n": len(ids)}) for r, ids in households.items()}
    return [
        rows.table(
            "supported_gender",
            _l("Học sinh được hỗ trợ theo giới tính"),
            [_l("Nữ"), _l("Nam"), _l("Khác")],
            gender,
            [g.value for g in Gender],
        ),
        rows.table(
            "supported_level",
            _l("Học sinh được hỗ trợ theo cấp học"),
            [_l("Tiểu học"), _l("THCS"), _l("THPT")],
            levels,
            ["primary", "lower", "upper"],
        ),
        rows.table(
            "supported_group",
            _l("Học sinh được hỗ trợ theo dân tộc"),
            [_l("Dân tộc thiểu số"), _l("Kinh, chưa ghi")],
            group,
            ["minority", "other"],
        ),
        rows.table(
            "visits",
            _l("Hộ gia đình đã thăm"),
            [_l("Số hộ")],
            visited,
            ["n"],
            additive=False,
        ),
        rows.table(
            "causes",
            _l("Nguyên nhân ghi nhận (lần thăm gần nhất của mỗi hộ)"),
            [CAUSE[c] for c in Cause],
            causes,
            [c.value for c in Cause],
            additive=False,
        ),
    ]


def _follow_up(rows: _Rows, first: date, last: date) -> list[Table]:
    kept: dict[int, Counter] = defaultdict(Counter)
    for item in retention.cohort(rows.units, first, last).values():
        r = rows.of[item.unit_id]
        kept[r]["returned"] += 1
        kept[r]["one"] += int(item.one)
        kept[r]["two"] += int(item.two)
    pairs: dict[int, Counter] = defaultdict(Counter)
    for pair in db.session.execute(
        select(PeerPair).where(
            PeerPair.unit_id.in_(rows.units),
            PeerPair.started_on >= first,
            PeerPair.started_on <= last,
        )
    ).scalars():
        r = rows.of[pair.unit_id]
        if not pair.results:
            pairs[r]["none"] += 1
        elif pair.results[-1].succeeded:
            pairs[r]["ok"] += 1
        else:
            pairs[r]["not"] += 1
    ents: dict[int, Counter] = defaultdict(Counter)
    for item in db.session.execute(
        select(Entitlement).where(
            Entitlement.unit_id.in_(rows.units),
            Entitlement.received.is_(True),
            Entitlement.confirmed_on >= first,
            Entitlement.confirmed_on <= last,
        )
    ).scalars():
        ents[rows.of[item.unit_id]][item.kind.category.value] += 1
    acts: dict[int, Counter] = defaultdict(Counter)
    for a in db.session.execute(
        select(Activity).where(
            Activity.unit_id.in_(rows.units), Activity.held_on >= first, Activity.held_on <= last
        )
    ).scalars():
        r = rows.of[a.unit_id]
        acts[r]["held"] += 1
        acts[r]["people"] += a.participant_total
        acts[r]["reached"] += a.students_reached
    activity_table = rows.table(
        "activities",
        _l("Hoạt động đã tổ chức"),
        [_l("Số hoạt động"), _l("Người tham gia"), _l("Học sinh được hỗ trợ")],
        acts,
        ["held", "people", "reached"],
        additive=False,
        sensitive=False,
    )
    reached = rows.table(
        "activities_reached",
        _l("Học sinh được hỗ trợ qua hoạt động"),
        [_l("Học sinh được hỗ trợ")],
        acts,
        ["reached"],
        additive=False,
    )
    # The activities table shows the counts of events and adults; its children column is the
    # suppressed one of `reached`.
    activity_table.hidden = {(r, 2) for r, _c in reached.hidden}
    return [
        rows.table(
            "returned",
            _l("Học sinh trở lại lớp và còn đi học sau một, hai học kỳ"),
            [_l("Trở lại lớp"), _l("Còn đi học sau 1 học kỳ"), _l("Còn đi học sau 2 học kỳ")],
            kept,
            ["returned", "one", "two"],
            additive=False,
        ),
        rows.table(
            "pairs",
            _l("Đôi bạn và kết quả"),
            [_l("Tiến bộ, vẫn đi học"), _l("Chưa tiến bộ hoặc đã nghỉ"), _l("Chưa có kết quả")],
            pairs,
            ["ok", "not", "none"],
        ),
        rows.table(
            "entitlements",
            _l("Chế độ chính sách đã được nhà trường xác nhận"),
            [CATEGORY[c] for c in Category],
            ents,
            [c.value for c in Category],
        ),
        activity_table,
    ]


SURVEY_COLS = [_l("Không ra lớp"), _l("Đã trở lại lớp"), _l("Đã bỏ học")]
SMALL_GROUP = 5  # an ethnic group with fewer students is counted with the other groups


def _surveys(rows: _Rows, kind: str, first: date) -> list[Table]:
    """The submitted surveys of the report's period (mid-term for sơ kết, year-end for tổng
    kết) of the school year it starts in: by grade, gender and ethnic group. A group with
    fewer than 5 students in all is counted under "other groups", so that no row names a
    group only one or two children of the scope belong to."""
    lines = submitted_lines(rows.units, schoolyear.year_of(first), kind)
    measures = list(MEASURES)
    grade: dict[int, Counter] = defaultdict(Counter)
    gender: dict[str, Counter] = defaultdict(Counter)
    group: dict[str, Counter] = defaultdict(Counter)
    for (measure, g, gen, grp), n in lines.items():
        grade[g][measure] += n
        gender[gen][measure] += n
        group[grp][measure] += n
    other = str(_l("Dân tộc khác"))
    merged: dict[str, Counter] = defaultdict(Counter)
    for grp, counts in group.items():
        name = grp if grp and sum(counts.values()) >= SMALL_GROUP else other
        merged[name].update(counts)
    names = sorted(n for n in merged if n != other) + ([other] if other in merged else [])
    period = str(_l("Khảo sát giữa năm") if kind == "mid_term" else _l("Khảo sát cuối năm"))
    cols = [str(c) for c in SURVEY_COLS]

    def table(key, title, labels, keys, source) -> Table:
        return Table(
            key,
            f"{period}: {title}",
            labels,
            cols,
            [[source[k][m] for m in measures] for k in keys],
            additive=False,
        )

    grades = sorted(grade)
    genders = [g.value for g in Gender if g.value in gender]
    gender_names = {"female": _l("Nữ"), "male": _l("Nam"), "other": _l("Khác")}
    return [
        table(
            "survey_grade",
            _l("học sinh theo lớp"),
            [str(_l("Lớp %(g)s", g=g)) for g in grades],
            grades,
            grade,
        ),
        table(
            "survey_gender",
            _l("học sinh theo giới tính"),
            [str(gender_names[g]) for g in genders],
            genders,
            gender,
        ),
        table("survey_group", _l("học sinh theo dân tộc"), names, names, merged),
    ]
