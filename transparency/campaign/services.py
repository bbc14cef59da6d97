"""Where one campaign's money went (the campaign's transparency tab): received by day and by
channel, rounds of allocations and hand-overs, purchases with invoices, budget vs spent, fees,
balance. Totals come from campaigns.figures only; this module adds the breakdowns.

Aggregate counts of students below 5 are not shown as numbers (DESIGN.md §6).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.dbtypes import VN_TZ
from app.extensions import db
from app.ledger.models import LedgerEntry
from campaigns import figures
from campaigns.models import Campaign
from campaigns.spending import services as spending
from campaigns.spending.models import Expense
from donations.models import Donation
from students.registry.models import Student
from students.rounds.models import AllocationLine, AllocationRound, RoundStatus

MIN_CELL = 5  # DESIGN.md §6: aggregate cells of fewer students are hidden
DAYS = 30
CARD_PROVIDERS = ("stripe",)
PUBLIC_ROUNDS = (RoundStatus.approved, RoundStatus.completed)


@dataclass
class RoundRow:
    """One approved round as the public sees it."""

    public_id: str
    title: str
    decided_on: date | None
    students: int
    allocated: dict[str, int] = field(default_factory=dict)
    handed_over: dict[str, int] = field(default_factory=dict)
    handed_on: list[date] = field(default_factory=list)
    communes: list[tuple[str, int]] = field(default_factory=list)  # only cells ≥ MIN_CELL

    @property
    def students_shown(self) -> str:
        return str(self.students) if self.students >= MIN_CELL else f"< {MIN_CELL}"


@dataclass
class CampaignReport:
    campaign: Campaign
    figures: figures.CampaignFigures
    by_day: list[tuple[date, int]]
    by_channel: list[tuple[str, str, int]]  # (channel, asset, amount)
    rounds: list[RoundRow]
    expenses: list[Expense]
    expense_count: int
    budget: list[spending.LineProgress]
    unbudgeted: int


def _local_day(value: datetime) -> date:
    return value.astimezone(VN_TZ).date()


def received_by_day(account: str, days: int = DAYS) -> list[tuple[date, int]]:
    """Đồng received per Vietnam day over the last `days` days of activity (0 on quiet days)."""
    last = db.session.execute(
        select(func.max(LedgerEntry.at)).where(
            LedgerEntry.destination == account,
            LedgerEntry.source == "world",
            LedgerEntry.asset == "VND",
            LedgerEntry.kind.in_(figures.GIFT_KINDS),
        )
    ).scalar()
    if last is None:
        return []
    end = _local_day(last)
    start = end - timedelta(days=days - 1)
    since = datetime(start.year, start.month, start.day, tzinfo=VN_TZ)
    rows = db.session.execute(
        select(LedgerEntry.at, LedgerEntry.amount).where(
            LedgerEntry.destination == account,
            LedgerEntry.source == "world",
            LedgerEntry.asset == "VND",
            LedgerEntry.kind.in_(figures.GIFT_KINDS),
            LedgerEntry.at >= since,
        )
    )
    totals: dict[date, int] = defaultdict(int)
    for at, amount in rows:
        totals[_local_day(at)] += amount
    return [
        (start + timedelta(days=i), totals.get(start + timedelta(days=i), 0)) for i in range(days)
    ]


def received_by_channel(campaign: Campaign, numbers: figures.Figures) -> list[tuple[str, str, int]]:
    """Đồng received by card (the Stripe donations' entries) and by bank (every other entry
    world → X: transfers, statements, gifts recorded by hand), so the two add up to the
    figure "received"; in-kind per asset from the figures."""
    card = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .join(Donation, Donation.ledger_seq == LedgerEntry.seq)
        .where(
            Donation.campaign_id == campaign.id,
            Donation.provider.in_(CARD_PROVIDERS),
            LedgerEntry.asset == "VND",
        )
    ).scalar_one()
    received = numbers.get("received")
    out = [("bank", "VND", received - int(card)), ("card", "VND", int(card))]
    out += [
        ("in_kind", asset, v) for asset, v in sorted(numbers.received.items()) if asset != "VND"
    ]
    return out


def rounds(campaign: Campaign) -> list[RoundRow]:
    """Approved rounds with their students counted, money allocated and handed over."""
    found = db.session.execute(
        select(AllocationRound)
        .where(
            AllocationRound.campaign_id == campaign.id, AllocationRound.status.in_(PUBLIC_ROUNDS)
        )
        .options(
            selectinload(AllocationRound.lines)
            .selectinload(AllocationLine.student)
            .selectinload(Student.commune),
            selectinload(AllocationRound.lines).selectinload(AllocationLine.handover),
        )
        .order_by(AllocationRound.decided_at, AllocationRound.id)
    ).scalars()
    out = []
    for rnd in found:
        row = RoundRow(
            public_id=rnd.public_id,
            title=rnd.title,
            decided_on=_local_day(rnd.decided_at) if rnd.decided_at else None,
            students=len({line.student_id for line in rnd.lines}),
        )
        communes: dict[str, set[int]] = defaultdict(set)
        days = set()
        for line in rnd.lines:
            row.allocated[line.asset] = row.allocated.get(line.asset, 0) + line.amount
            if line.handover_seq and line.handover is not None:
                row.handed_over[line.asset] = row.handed_over.get(line.asset, 0) + line.amount
                days.add(line.handover.handed_on)
            if line.student.commune is not None:
                communes[line.student.commune.name].add(line.student_id)
        row.handed_on = sorted(days)
        row.communes = sorted(
            ((name, len(ids)) for name, ids in communes.items() if len(ids) >= MIN_CELL),
            key=lambda c: (-c[1], c[0]),
        )
        out.append(row)
    return out


def report(campaign: Campaign) -> CampaignReport:
    numbers = figures.campaign_figures(campaign.account)
    expenses, count = spending.approved_expenses(campaign, limit=50)
    budget, unbudgeted = spending.budget_progress(campaign)
    return CampaignReport(
        campaign=campaign,
        figures=numbers,
        by_day=received_by_day(campaign.account),
        by_channel=received_by_channel(campaign, numbers),
        rounds=rounds(campaign),
        expenses=expenses,
        expense_count=count,
        budget=budget,
        unbudgeted=unbudgeted,
    )
