"""What the public sees about money, read from the ledger only (never from pledges).

Raised = gifts from `world` into `campaign:<slug>` (kinds donation and in_kind) that were not
reversed, minus refunds and chargebacks that name no entry they reverse (a full refund that
reverses its gift already removed that gift). Results are plain dataclasses, cached a few
seconds per process so that busy pages do not query the ledger on every view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns import cache

GIFT_KINDS = ("donation", "in_kind")
GIVE_BACK_KINDS = ("refund", "chargeback")
RECENT_LIMIT = 8


@dataclass(frozen=True)
class Gift:
    """One received gift as the public sees it ("" label = anonymous)."""

    label: str
    asset: str
    amount: int
    at: datetime
    seq: int


@dataclass
class CampaignFigures:
    """Ledger figures of one campaign, per asset."""

    raised: dict[str, int] = field(default_factory=dict)
    gifts: int = 0
    allocated: dict[str, int] = field(default_factory=dict)
    handed_over: dict[str, int] = field(default_factory=dict)
    works: dict[str, int] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)
    balance: dict[str, int] = field(default_factory=dict)
    students: int = 0
    recent: list[Gift] = field(default_factory=list)

    def get(self, name: str, asset: str = "VND") -> int:
        """One figure in one asset (0 when absent)."""
        return getattr(self, name).get(asset, 0)


@dataclass(frozen=True)
class FundTotals:
    """The whole fund: money raised, goods raised, students supported, campaigns."""

    raised_vnd: int
    in_kind: dict[str, int]
    students: int
    campaigns: int
    gifts: int


# Core table columns rather than ORM aliases: these queries run on every uncached page view,
# and building aliases cost more than running the SQL. No statement needs the table twice
# except the "was it reversed?" subquery, which has its own fixed alias.
_T = LedgerEntry.__table__
_LATER = _T.alias("later")


class _Cols:
    """Attribute access to the ledger table's columns (e.source rather than e.c.source)."""

    table = _T

    def __getattr__(self, name: str):
        return _T.c[name]


_ENTRY = _Cols()


def _alias() -> _Cols:
    """The ledger table's columns."""
    return _ENTRY


def _not_reversed(entry):
    return ~exists(select(_LATER.c.seq).where(_LATER.c.reverses_seq == entry.seq))


def _gifts_into(account_clause):
    e = _alias()
    return e, and_(
        e.source == ledger.WORLD, account_clause(e), e.kind.in_(GIFT_KINDS), _not_reversed(e)
    )


def _sum_by_asset(stmt) -> dict[str, int]:
    return {asset: int(total) for asset, total in db.session.execute(stmt) if total}


def _given_back(source_clause) -> dict[str, int]:
    """Refunds and chargebacks that reverse no particular gift (partial refunds), per asset."""
    g = _alias()
    return _sum_by_asset(
        select(g.asset, func.sum(g.amount))
        .where(
            source_clause(g),
            g.destination == ledger.WORLD,
            g.kind.in_(GIVE_BACK_KINDS),
            g.reverses_seq.is_(None),
        )
        .group_by(g.asset)
    )


def raised_by_asset(account: str) -> dict[str, int]:
    """Net gifts received by one ledger account, per asset."""
    e, where = _gifts_into(lambda x: x.destination == account)
    raised = _sum_by_asset(select(e.asset, func.sum(e.amount)).where(where).group_by(e.asset))
    back = _given_back(lambda x: x.source == account)
    for asset, amount in back.items():
        raised[asset] = max(0, raised.get(asset, 0) - amount)
    return raised


def _recent(where_account, limit: int) -> list[Gift]:
    e, where = _gifts_into(where_account)
    rows = db.session.execute(
        select(e.label, e.asset, e.amount, e.at, e.seq)
        .where(where)
        .order_by(e.seq.desc())
        .limit(limit)
    )
    return [Gift(r.label or "", r.asset, int(r.amount), r.at, r.seq) for r in rows]


def recent_gifts(account: str | None = None, limit: int = RECENT_LIMIT) -> list[Gift]:
    """The latest gifts into one campaign, or into any campaign when account is None."""
    if account is None:
        return _recent(lambda x: x.destination.like("campaign:%"), limit)
    return _recent(lambda x: x.destination == account, limit)


def _outflows(account: str, dest_prefix: str) -> dict[str, int]:
    e = _alias()
    return _sum_by_asset(
        select(e.asset, func.sum(e.amount))
        .where(e.source == account, e.destination.like(dest_prefix + "%"), _not_reversed(e))
        .where(e.kind != "reversal")
        .group_by(e.asset)
    )


def _handed_over(account: str) -> tuple[dict[str, int], int]:
    """Hand-overs to students funded from this campaign, and the number of students.

    A student's account may be fed by several campaigns; each campaign is credited with its
    share of what the student received, in proportion to what it allocated (integer division).
    """
    e = _alias()
    mine = db.session.execute(
        select(e.destination, e.asset, func.sum(e.amount))
        .where(e.source == account, e.destination.like("student:%"), e.kind == "allocation")
        .where(_not_reversed(e))
        .group_by(e.destination, e.asset)
    ).all()
    if not mine:
        return {}, 0
    students = {row[0] for row in mine}
    a = _alias()
    totals = {
        (d, s): int(t)
        for d, s, t in db.session.execute(
            select(a.destination, a.asset, func.sum(a.amount))
            .where(a.destination.in_(students), a.source.like("campaign:%"), a.kind == "allocation")
            .where(_not_reversed(a))
            .group_by(a.destination, a.asset)
        )
    }
    d = _alias()
    given = {
        (src, s): int(t)
        for src, s, t in db.session.execute(
            select(d.source, d.asset, func.sum(d.amount))
            .where(d.source.in_(students), d.destination == ledger.WORLD, d.kind == "disbursement")
            .where(_not_reversed(d))
            .group_by(d.source, d.asset)
        )
    }
    out: dict[str, int] = defaultdict(int)
    for student, asset, allocated in mine:
        total = totals.get((student, asset)) or int(allocated)
        share = given.get((student, asset), 0) * int(allocated) // total
        out[asset] += min(share, int(allocated))
    return dict(out), len(students)


def _compute(account: str) -> CampaignFigures:
    e, where = _gifts_into(lambda x: x.destination == account)
    gifts = db.session.execute(select(func.count()).select_from(e.table).where(where)).scalar_one()
    handed, students = _handed_over(account)
    works = _outflows(account, "expense:")
    for asset, amount in works.items():
        handed[asset] = handed.get(asset, 0) + amount
    return CampaignFigures(
        raised=raised_by_asset(account),
        gifts=int(gifts),
        allocated=_outflows(account, "student:"),
        handed_over=handed,
        works=works,
        fees=_outflows(account, "fees:"),
        balance={a: row.balance for a, row in ledger.balances(account).items() if row.balance},
        students=students,
        recent=recent_gifts(account),
    )


def campaign_figures(account: str) -> CampaignFigures:
    """Figures for one campaign account, cached for CACHE_SECONDS."""
    return cache.cached(("figures", account), lambda: _compute(account))


def raised_many(accounts: list[str]) -> dict[str, dict[str, int]]:
    """Gross gifts (not reversed) per account and asset, in one query, for lists and cards."""
    if not accounts:
        return {}
    e, where = _gifts_into(lambda x: x.destination.in_(accounts))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for account, asset, total in db.session.execute(
        select(e.destination, e.asset, func.sum(e.amount))
        .where(where)
        .group_by(e.destination, e.asset)
    ):
        out[account][asset] = int(total)
    return dict(out)


def honour_roll(account: str | None = None, limit: int = 50) -> list[tuple[str, str, int, int]]:
    """Donors who agreed to be shown: (label, asset, total, gifts), largest first."""
    where_account = (
        (lambda x: x.destination.like("campaign:%"))
        if account is None
        else (lambda x: x.destination == account)
    )
    e, where = _gifts_into(where_account)
    rows = db.session.execute(
        select(e.label, e.asset, func.sum(e.amount).label("total"), func.count().label("n"))
        .where(where, e.label != "")
        .group_by(e.label, e.asset)
        .order_by(func.sum(e.amount).desc(), e.label)
        .limit(limit)
    )
    return [(r.label, r.asset, int(r.total), int(r.n)) for r in rows]


def _fund_totals() -> FundTotals:
    from campaigns.models import Campaign, CampaignStatus

    e, where = _gifts_into(lambda x: x.destination.like("campaign:%"))
    by_asset = _sum_by_asset(select(e.asset, func.sum(e.amount)).where(where).group_by(e.asset))
    gifts = db.session.execute(select(func.count()).select_from(e.table).where(where)).scalar_one()
    for asset, amount in _given_back(lambda x: x.source.like("campaign:%")).items():
        by_asset[asset] = max(0, by_asset.get(asset, 0) - amount)
    a = _alias()
    students = db.session.execute(
        select(func.count(func.distinct(a.destination))).where(
            a.source.like("campaign:%"),
            a.destination.like("student:%"),
            a.kind == "allocation",
            _not_reversed(a),
        )
    ).scalar_one()
    campaigns = db.session.execute(
        select(func.count(Campaign.id)).where(
            Campaign.status.in_([CampaignStatus.published, CampaignStatus.closed])
        )
    ).scalar_one()
    raised_vnd = by_asset.pop("VND", 0)
    return FundTotals(raised_vnd, by_asset, int(students), int(campaigns), int(gifts))


def fund_totals() -> FundTotals:
    """Totals for the whole fund, cached for CACHE_SECONDS."""
    return cache.cached(("fund-totals",), _fund_totals)
