"""The public figures of DESIGN.md §4 ("Figures"): one definition, computed here only.

For a campaign account X and each asset, summed over ledger entries:
received (world → X), returned (X → world), raised = received − returned, moved in / moved out
(other campaign → X / X → other campaign), allocated (X → student:* minus student:* → X), spent
(X → expense:* minus expense:* → X), fees (X → fees:* minus fees:* → X), handed over
(student:* → world entries whose ref is the ref of an allocation from X, minus their reversals
world → student:*), disbursed = handed over
+ spent, balance = raised + moved in − moved out − allocated − spent − fees (= the ledger balance
of X), gifts = entries world → X of kind donation or in_kind that were not reversed.

A reversal counts in the direction in which it moves value, so no definition has a special case
for it. Every page, API answer, image and report takes its numbers from `figures_for()` or
`campaign_figures()`: a list of campaigns costs three queries, whatever its length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, or_, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns import cache

GIFT_KINDS = ("donation", "in_kind")
RECENT_LIMIT = 8
FIGURE_NAMES = (
    "received",
    "returned",
    "raised",
    "moved_in",
    "moved_out",
    "allocated",
    "spent",
    "fees",
    "handed_over",
    "disbursed",
    "balance",
)


@dataclass(frozen=True)
class Gift:
    """One received gift as the public sees it ("" label = anonymous)."""

    label: str
    asset: str
    amount: int
    at: datetime
    seq: int


@dataclass
class Figures:
    """The figures of one campaign account, each a dict asset → amount (absent = 0)."""

    received: dict[str, int] = field(default_factory=dict)
    returned: dict[str, int] = field(default_factory=dict)
    raised: dict[str, int] = field(default_factory=dict)
    moved_in: dict[str, int] = field(default_factory=dict)
    moved_out: dict[str, int] = field(default_factory=dict)
    allocated: dict[str, int] = field(default_factory=dict)
    spent: dict[str, int] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)
    handed_over: dict[str, int] = field(default_factory=dict)
    disbursed: dict[str, int] = field(default_factory=dict)
    balance: dict[str, int] = field(default_factory=dict)
    gifts: int = 0

    def get(self, name: str, asset: str = "VND") -> int:
        """One figure in one asset (0 when absent)."""
        return getattr(self, name).get(asset, 0)

    def as_api(self) -> dict:
        """The figures as the public API gives them (DESIGN.md §8), zero amounts left out."""
        body: dict = {name: dict(getattr(self, name)) for name in FIGURE_NAMES}
        body["gifts"] = self.gifts
        return body


@dataclass
class CampaignFigures(Figures):
    """Figures plus what the campaign page shows beside them."""

    students: int = 0
    recent: list[Gift] = field(default_factory=list)


@dataclass(frozen=True)
class FundTotals:
    """The whole fund: money raised, goods raised, students supported, campaigns."""

    raised_vnd: int
    in_kind: dict[str, int]
    students: int
    campaigns: int
    gifts: int


_T = LedgerEntry.__table__
_LATER = _T.alias("later")
_C = _T.c


def _party(column):
    """The kind of the other side of an entry: world, campaign, student, expense or fees."""
    return case(
        (column == ledger.WORLD, literal("world")),
        (column.like("campaign:%"), literal("campaign")),
        (column.like("student:%"), literal("student")),
        (column.like("expense:%"), literal("expense")),
        (column.like("fees:%"), literal("fees")),
        else_=literal("other"),
    )


def _not_reversed():
    return ~exists(select(_LATER.c.seq).where(_LATER.c.reverses_seq == _C.seq))


# (direction, other party) → (figure, sign)
_RULES = {
    ("out", "world"): ("returned", 1),
    ("in", "world"): ("received", 1),
    ("out", "campaign"): ("moved_out", 1),
    ("in", "campaign"): ("moved_in", 1),
    ("out", "student"): ("allocated", 1),
    ("in", "student"): ("allocated", -1),
    ("out", "expense"): ("spent", 1),
    ("in", "expense"): ("spent", -1),
    ("out", "fees"): ("fees", 1),
    ("in", "fees"): ("fees", -1),
}


def _flows(accounts: list[str], out: dict[str, Figures]) -> None:
    """Sum every entry touching the accounts by direction, other party and asset (2 queries)."""
    for direction, own, other in (
        ("out", _C.source, _C.destination),
        ("in", _C.destination, _C.source),
    ):
        party = _party(other)
        columns = [own, party.label("party"), _C.asset, func.sum(_C.amount)]
        if direction == "in":
            gift = case(
                ((_C.source == ledger.WORLD) & _C.kind.in_(GIFT_KINDS) & _not_reversed(), 1),
                else_=0,
            )
            columns.append(func.sum(gift))
        stmt = select(*columns).where(own.in_(accounts)).group_by(own, party, _C.asset)
        for row in db.session.execute(stmt):
            figures = out[row[0]]
            rule = _RULES.get((direction, row[1]))
            if rule is not None:
                name, sign = rule
                bucket = getattr(figures, name)
                bucket[row[2]] = bucket.get(row[2], 0) + sign * int(row[3])
            if direction == "in":
                figures.gifts += int(row[4] or 0)


def _handed_over(accounts: list[str], out: dict[str, Figures]) -> None:
    """Hand-overs (student → world) carrying the ref of an allocation from each account.

    A reversed hand-over (world → student, same ref) counts in the direction it moves value,
    so it takes its amount back off.
    """
    alloc = (
        select(_C.source.label("campaign"), _C.ref.label("ref"))
        .where(_C.source.in_(accounts), _C.destination.like("student:%"))
        .distinct()
        .subquery()
    )
    hand = _T.alias("hand")
    signed = case(
        (hand.c.source.like("student:%"), hand.c.amount),
        else_=-hand.c.amount,
    )
    stmt = (
        select(alloc.c.campaign, hand.c.asset, func.sum(signed))
        .join(alloc, hand.c.ref == alloc.c.ref)
        .where(
            or_(
                and_(hand.c.source.like("student:%"), hand.c.destination == ledger.WORLD),
                and_(hand.c.source == ledger.WORLD, hand.c.destination.like("student:%")),
            )
        )
        .group_by(alloc.c.campaign, hand.c.asset)
    )
    for account, asset, total in db.session.execute(stmt):
        if total:
            out[account].handed_over[asset] = int(total)


def _derive(figures: Figures) -> None:
    assets = set()
    for name in ("received", "returned", "moved_in", "moved_out", "allocated", "spent", "fees"):
        assets.update(getattr(figures, name))
    assets.update(figures.handed_over)
    for asset in sorted(assets):
        raised = figures.get("received", asset) - figures.get("returned", asset)
        balance = (
            raised
            + figures.get("moved_in", asset)
            - figures.get("moved_out", asset)
            - figures.get("allocated", asset)
            - figures.get("spent", asset)
            - figures.get("fees", asset)
        )
        disbursed = figures.get("handed_over", asset) + figures.get("spent", asset)
        for name, value in (("raised", raised), ("balance", balance), ("disbursed", disbursed)):
            if value:
                getattr(figures, name)[asset] = value
    for name in FIGURE_NAMES:
        bucket = getattr(figures, name)
        for asset in [a for a, v in bucket.items() if not v]:
            del bucket[asset]


def figures_for(accounts: list[str]) -> dict[str, Figures]:
    """The figures of several campaign accounts, in three queries."""
    out: dict[str, Figures] = {account: Figures() for account in dict.fromkeys(accounts)}
    if not out:
        return out
    keys = list(out)
    _flows(keys, out)
    _handed_over(keys, out)
    for figures in out.values():
        _derive(figures)
    return out


def spent_by_ref(account: str, asset: str = "VND") -> dict[str, int]:
    """ "Spent" of one campaign account split by the entries' ref (an expense's proposal id).

    The same definition as `spent` (X → expense:* minus expense:* → X), one query; a budget line
    adds up the refs of its expenses.
    """
    signed = case((_C.source == account, _C.amount), else_=-_C.amount)
    rows = db.session.execute(
        select(_C.ref, func.sum(signed))
        .where(
            _C.asset == asset,
            ((_C.source == account) & _C.destination.like("expense:%"))
            | ((_C.destination == account) & _C.source.like("expense:%")),
        )
        .group_by(_C.ref)
    )
    return {ref: int(total) for ref, total in rows if total}


def students_supported(account: str) -> int:
    """Distinct students who received an allocation from this account that still stands."""
    return db.session.execute(
        select(func.count(func.distinct(_C.destination))).where(
            _C.source == account,
            _C.destination.like("student:%"),
            _C.kind == "allocation",
            _not_reversed(),
        )
    ).scalar_one()


def _compute(account: str) -> CampaignFigures:
    plain = figures_for([account])[account]
    return CampaignFigures(
        **{name: getattr(plain, name) for name in FIGURE_NAMES},
        gifts=plain.gifts,
        students=students_supported(account),
        recent=recent_gifts(account),
    )


def campaign_figures(account: str) -> CampaignFigures:
    """Figures for one campaign account, with its recent gifts; cached for CACHE_SECONDS."""
    return cache.cached(("figures", account), lambda: _compute(account))


def _gift_rows(account_clause):
    return (
        _C.source == ledger.WORLD,
        account_clause,
        _C.kind.in_(GIFT_KINDS),
        _not_reversed(),
    )


def recent_gifts(account: str | None = None, limit: int = RECENT_LIMIT) -> list[Gift]:
    """The latest gifts into one campaign, or into any campaign when account is None.

    Newest first by when the money arrived (a statement imported today may hold older gifts).
    """
    where = _C.destination.like("campaign:%") if account is None else _C.destination == account
    rows = db.session.execute(
        select(_C.label, _C.asset, _C.amount, _C.at, _C.seq)
        .where(*_gift_rows(where))
        .order_by(_C.at.desc(), _C.seq.desc())
        .limit(limit)
    )
    return [Gift(r.label or "", r.asset, int(r.amount), r.at, r.seq) for r in rows]


@dataclass(frozen=True)
class HonourRow:
    """One donor on the honour roll: every asset they gave, in one row."""

    label: str
    totals: dict[str, int]  # asset → total, đồng first
    gifts: int

    def __iter__(self):
        # Unpacks as (label, asset, total, gifts) of its main asset, like the rows of old.
        asset = next(iter(self.totals))
        return iter((self.label, asset, self.totals[asset], self.gifts))


def honour_roll(account: str | None = None, limit: int = 50) -> list[HonourRow]:
    """Donors who agreed to be shown, one row each with all their assets; largest đồng first.

    Anonymous gifts carry no label in the ledger, so they never appear here by name.
    """
    where = _C.destination.like("campaign:%") if account is None else _C.destination == account
    rows = db.session.execute(
        select(_C.label, _C.asset, func.sum(_C.amount).label("total"), func.count().label("n"))
        .where(*_gift_rows(where), _C.label != "")
        .group_by(_C.label, _C.asset)
    )
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    gifts: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r.label][r.asset] = int(r.total)
        gifts[r.label] += int(r.n)

    def key(label: str) -> tuple:
        assets = totals[label]
        return (-assets.get("VND", 0), -sum(v for a, v in assets.items() if a != "VND"), label)

    ordered = sorted(totals, key=key)[:limit]
    return [
        HonourRow(
            label,
            dict(sorted(totals[label].items(), key=lambda kv: (kv[0] != "VND", kv[0]))),
            gifts[label],
        )
        for label in ordered
    ]


def _fund_totals() -> FundTotals:
    from campaigns.models import Campaign, CampaignStatus

    accounts = [f"campaign:{slug}" for slug in db.session.execute(select(Campaign.slug)).scalars()]
    raised: dict[str, int] = defaultdict(int)
    gifts = 0
    for figures in figures_for(accounts).values():
        gifts += figures.gifts
        for asset, amount in figures.raised.items():
            raised[asset] += amount
    students = db.session.execute(
        select(func.count(func.distinct(_C.destination))).where(
            _C.source.like("campaign:%"),
            _C.destination.like("student:%"),
            _C.kind == "allocation",
            _not_reversed(),
        )
    ).scalar_one()
    campaigns = db.session.execute(
        select(func.count(Campaign.id)).where(
            Campaign.status.in_([CampaignStatus.published, CampaignStatus.closed])
        )
    ).scalar_one()
    raised_vnd = raised.pop("VND", 0)
    return FundTotals(raised_vnd, dict(raised), int(students), int(campaigns), int(gifts))


def fund_totals() -> FundTotals:
    """Totals for the whole fund (the sum of every campaign's figures), cached."""
    return cache.cached(("fund-totals",), _fund_totals)
