"""Tracing a gift to its use (DESIGN.md §8): `GET /api/v1/trace/<reference>` and /truy-vet.

A reference is a pledge's reference code (or the bank reference of a gift without a pledge)
or a receipt number. Its gifts are the entries `world → campaign:X` of kind donation or
in_kind carrying it; where their money went is found by FIFO attribution (`fifo.py`), kept
in tables and caught up before each trace (`attribution.py`).
Beneficiaries appear only as their consent allows (students.privacy.public_view).
"""

from __future__ import annotations

import re
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.approvals.models import Proposal
from app.errors import NotFound
from app.extensions import db
from app.ledger.chain import format_at
from app.ledger.models import LedgerEntry
from campaigns.models import Campaign
from campaigns.spending.models import Expense
from donations.models import Donation
from donations.receipts.models import Receipt
from students.privacy import public_view
from students.registry.models import Student
from students.rounds.models import AllocationLine, AllocationRound
from transparency.trace import attribution
from transparency.trace.fifo import GIFT_KINDS, use_kind

# A trace may replay a whole campaign: one visitor gets a few a minute, not a flood.
TRACE_LIMIT = "30 per minute"
RECEIPT_NUMBER = re.compile(r"^\d{4}-\d{4,}$")
USE_LABELS = {
    "allocation": _l("Trao cho học sinh"),
    "expense": _l("Chi mua sắm, công trình"),
    "fee": _l("Phí thanh toán thẻ"),
    "returned": _l("Hoàn lại người ủng hộ"),
    "moved_out": _l("Chuyển sang chiến dịch khác"),
}


def _gift_entries(reference: str) -> list[LedgerEntry]:
    reference = reference.strip()[:80]
    if not reference:
        return []
    if RECEIPT_NUMBER.match(reference):
        seq = db.session.execute(
            select(Donation.ledger_seq)
            .join(Receipt, Receipt.donation_id == Donation.id)
            .where(Receipt.number == reference)
        ).scalar_one_or_none()
        entry = db.session.get(LedgerEntry, seq) if seq else None
        return [entry] if entry is not None else []
    return list(
        db.session.execute(
            select(LedgerEntry)
            .where(
                # Pledge references are stored upper-case; a bank reference as the bank wrote it.
                LedgerEntry.ref.in_(sorted({reference, reference.upper()})),
                LedgerEntry.source == "world",
                LedgerEntry.destination.like("campaign:%"),
                LedgerEntry.kind.in_(GIFT_KINDS),
            )
            .order_by(LedgerEntry.seq)
        ).scalars()
    )


def trace(reference: str) -> dict:
    """The gifts of a reference and where their money went; NotFound when there are none."""
    gifts = _gift_entries(reference)
    if not gifts:
        raise NotFound(_l("Không tìm thấy khoản ủng hộ nào với mã %(ref)s.", ref=reference[:80]))
    account = gifts[0].destination
    gifts = [g for g in gifts if g.destination == account]
    campaign = db.session.execute(
        select(Campaign).where(Campaign.slug == account.removeprefix("campaign:"))
    ).scalar_one_or_none()
    uses: dict[int, int] = defaultdict(int)
    unattributed: dict[str, int] = defaultdict(int)
    for asset in sorted({g.asset for g in gifts}):
        attribution.catch_up(account, asset)
        taken, unattributed[asset] = attribution.uses_of(
            account, asset, [g.seq for g in gifts if g.asset == asset]
        )
        for seq, amount in taken.items():
            uses[seq] += amount
    entries = {
        e.seq: e
        for e in db.session.execute(select(LedgerEntry).where(LedgerEntry.seq.in_(list(uses))))
        .scalars()
        .all()
    }
    details = _details(account, [entries[s] for s in sorted(uses)])
    out_uses = []
    for seq in sorted(uses):
        entry = entries[seq]
        kind = use_kind(entry.destination)
        out_uses.append(
            {
                "kind": kind,
                "seq": seq,
                "at": format_at(entry.at),
                "asset": entry.asset,
                "amount": uses[seq],
                "label": details[seq].get("label", str(USE_LABELS[kind])),
                **{k: v for k, v in details[seq].items() if k != "label"},
            }
        )
    return {
        "reference": reference.strip().upper()
        if not RECEIPT_NUMBER.match(reference)
        else reference,
        "campaign": {
            "slug": campaign.slug if campaign else account.removeprefix("campaign:"),
            "title": campaign.title if campaign else account,
        },
        "gifts": [
            {"seq": g.seq, "at": format_at(g.at), "asset": g.asset, "amount": g.amount}
            for g in gifts
        ],
        "uses": out_uses,
        "unattributed": dict(unattributed),
    }


def _beneficiary_label(view: dict | None) -> str:
    """Initials, grade, school, commune: at most what the consent allows, never a name."""
    if view is None:
        return str(_l("Học sinh (ẩn danh)"))
    parts = [
        view["initials"],
        str(_l("lớp %(g)s", g=view["grade"])),
        view["school"],
        view["commune"],
    ]
    return " · ".join(p for p in parts if p)


def _details(account: str, entries: list[LedgerEntry]) -> dict[int, dict]:
    """What the public may know about each use: round, commune, school, hand-over; invoices."""
    out: dict[int, dict] = {e.seq: {} for e in entries}
    alloc_seqs = [e.seq for e in entries if e.destination.startswith("student:")]
    if alloc_seqs:
        lines = db.session.execute(
            select(AllocationLine)
            .where(AllocationLine.allocation_seq.in_(alloc_seqs))
            .options(
                selectinload(AllocationLine.round).selectinload(AllocationRound.handovers),
                selectinload(AllocationLine.handover),
                selectinload(AllocationLine.student).selectinload(Student.consents),
                selectinload(AllocationLine.student).selectinload(Student.school),
                selectinload(AllocationLine.student).selectinload(Student.commune),
            )
        ).scalars()
        for line in lines:
            view = public_view(line.student)
            handover = line.handover if line.handover_seq else None
            out[line.allocation_seq or 0] = {
                "label": _beneficiary_label(view),
                "round": {"id": line.round.public_id, "title": line.round.title},
                "commune": view["commune"] if view else "",
                "beneficiary": (
                    {k: view[k] for k in ("initials", "grade", "school", "commune")}
                    if view
                    else None
                ),
                "handed_over": handover is not None,
                "handed_on": handover.handed_on.isoformat() if handover else None,
            }
    for e in entries:
        if e.destination.startswith("student:") and not out[e.seq]:
            out[e.seq] = {"handed_over": False, "label": str(_l("Học sinh (ẩn danh)"))}
    refs = {e.ref for e in entries if e.destination.startswith("expense:")}
    if refs:
        rows = db.session.execute(
            select(Proposal.public_id, Expense)
            .join(Expense, Expense.proposal_id == Proposal.id)
            .where(Proposal.public_id.in_(refs))
        ).all()
        by_ref = {ref: expense for ref, expense in rows}
        for e in entries:
            expense = by_ref.get(e.ref) if e.destination.startswith("expense:") else None
            if expense is not None:
                out[e.seq] = {
                    "label": expense.description,
                    "supplier": expense.supplier,
                    "invoice_number": expense.invoice_number,
                    "invoice_date": expense.invoice_date.isoformat(),
                }
    moved = [e for e in entries if e.destination.startswith("campaign:")]
    if moved:
        slugs = {e.destination.removeprefix("campaign:") for e in moved}
        titles: dict[str, str] = {
            slug: title
            for slug, title in db.session.execute(
                select(Campaign.slug, Campaign.title).where(Campaign.slug.in_(slugs))
            )
        }
        for e in moved:
            slug = e.destination.removeprefix("campaign:")
            out[e.seq] = {"label": titles.get(slug, slug), "to_campaign": slug}
    return out
