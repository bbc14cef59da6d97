"""Purchases and works: propose a payment against an invoice; on approval the ledger moves.

The money goes `campaign:X → expense:X` (kind purchase) then `expense:X → world` (kind
expense), both carrying the proposal's public id as ref and its public label. Nothing moves
until a second person approves (`app.approvals`); the invoice scan is written after the commit.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app import private_files
from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.dbtypes import VN_TZ, utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.stored_text import vnd
from campaigns import cache, figures
from campaigns.models import Campaign, CampaignStatus
from campaigns.spending.models import Expense, ExpenseKind

KIND = "purchase"
INVOICE_FOLDER = "invoices"
DESCRIPTION_MAX = 200
SUPPLIER_MAX = 200
NUMBER_MAX = 40
TAX_CODE_MAX = 20
LABEL_MAX = 200
# Demo data posts at fixed times so the demo chain is the same on every machine.
_POSTING_AT: ContextVar[datetime | None] = ContextVar("spending_posting_at", default=None)


@contextmanager
def posting_at(when: datetime) -> Iterator[None]:
    """Post this block's approvals at `when` (the demo seeder's fixed dates)."""
    token = _POSTING_AT.set(when)
    try:
        yield
    finally:
        _POSTING_AT.reset(token)


def posting_time() -> datetime | None:
    """The time approvals post at: now, unless the demo fixed it."""
    return _POSTING_AT.get()


def expense_account(campaign: Campaign) -> str:
    """The expense account of a campaign's purchases and works."""
    return f"expense:{campaign.slug}"


def _text(value: str | None, field: str, missing, maximum: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(missing, field=field)
    if len(value) > maximum:
        raise DomainError(
            _l("Tối đa %(max)s ký tự (hiện có %(n)s).", max=maximum, n=len(value)), field=field
        )
    return value


def _invoice_date(value: date | None) -> date:
    if value is None:
        raise DomainError(_l("Vui lòng nhập ngày hoá đơn."), field="invoice_date")
    if value > datetime.now(VN_TZ).date():
        raise DomainError(_l("Ngày hoá đơn không được sau hôm nay."), field="invoice_date")
    return value


def _budget_line(campaign: Campaign, line_id: int | None):
    if not line_id:
        return None
    line = next((x for x in campaign.budget_lines if x.id == line_id), None)
    if line is None:
        raise DomainError(_l("Hạng mục không thuộc chiến dịch này."), field="budget_line_id")
    return line


def _same_name(a: str, b: str) -> bool:
    """Supplier names compared as people read them (case, accents' encoding, spaces)."""

    def key(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return key(a) == key(b)


def _check_not_paid_twice(supplier: str, number: str) -> None:
    """The same invoice of the same supplier is paid once (a waiting or approved proposal)."""
    # Invoice numbers are ASCII, so the database compares them; supplier names are compared
    # here, since SQL lower() leaves Vietnamese capitals (Ô, Đ…) alone on SQLite and PostgreSQL.
    rows = db.session.execute(
        select(Proposal.public_id, Expense.supplier)
        .join(Expense, Expense.proposal_id == Proposal.id)
        .where(
            func.lower(Expense.invoice_number) == number.lower(),
            Proposal.status.in_([ProposalStatus.proposed, ProposalStatus.approved]),
        )
    )
    clash = next((public_id for public_id, name in rows if _same_name(name, supplier)), None)
    if clash is not None:
        raise DomainError(
            _l(
                "Hoá đơn số %(number)s của %(supplier)s đã có trong đề xuất %(id)s; "
                "một hoá đơn chỉ được chi một lần.",
                number=number,
                supplier=supplier,
                id=clash,
            ),
            field="invoice_number",
        )


def public_label(description: str, number: str, supplier: str) -> str:
    """What the public statement shows: "Mua 2 tấn gạo – HĐ 0001234 – Công ty X"."""
    return f"{description} – HĐ {number} – {supplier}"[:LABEL_MAX]


def propose_expense(
    actor: User,
    campaign: Campaign,
    *,
    kind: str,
    description: str,
    supplier: str,
    invoice_number: str,
    invoice_date: date | None,
    amount: int,
    invoice: bytes | None,
    invoice_name: str = "",
    tax_code: str = "",
    budget_line_id: int | None = None,
    public_copy: bytes | None = None,
    public_copy_name: str = "",
    reason: str = "",
) -> Expense:
    """Propose paying `amount` from the campaign against an invoice; flushes, posts nothing."""
    require_role(actor, approvals.PROPOSERS)
    require_unit(actor, campaign.unit_id)
    if campaign.status == CampaignStatus.draft:
        raise DomainError(_l("Chiến dịch chưa công bố, chưa có tiền để chi."))
    try:
        kind_ = ExpenseKind(kind)
    except ValueError:
        raise DomainError(_l("Vui lòng chọn loại khoản chi."), field="kind") from None
    description = _text(
        description, "description", _l("Vui lòng ghi nội dung chi."), DESCRIPTION_MAX
    )
    supplier = _text(
        supplier, "supplier", _l("Vui lòng ghi nhà cung cấp hoặc đơn vị thi công."), SUPPLIER_MAX
    )
    number = _text(invoice_number, "invoice_number", _l("Vui lòng ghi số hoá đơn."), NUMBER_MAX)
    when = _invoice_date(invoice_date)
    tax_code = " ".join((tax_code or "").split())[:TAX_CODE_MAX]
    line = _budget_line(campaign, budget_line_id)
    amount = approvals.check_amount(amount)
    if not invoice:
        raise DomainError(_l("Vui lòng tải lên ảnh chụp hoặc bản quét hoá đơn."), field="invoice")
    _check_not_paid_twice(supplier, number)
    # Checked and cleaned now (EXIF removed, PDF header checked); written after the commit.
    scan = private_files.scan(invoice, invoice_name, INVOICE_FOLDER, field="invoice")
    copy = (
        private_files.scan(public_copy, public_copy_name, INVOICE_FOLDER, field="public_copy")
        if public_copy
        else None
    )
    proposal = approvals.propose(
        actor,
        KIND,
        unit_id=campaign.unit_id,
        source=campaign.account,
        amount=amount,
        title=description,
        reason=reason,
        public_label=public_label(description, number, supplier),
        payload={"campaign": campaign.slug},
        source_name=campaign.title,
    )
    expense = Expense(
        proposal_id=proposal.id,
        campaign_id=campaign.id,
        budget_line_id=line.id if line else None,
        kind=kind_,
        description=description,
        supplier=supplier,
        tax_code=tax_code,
        invoice_number=number,
        invoice_date=when,
        amount=amount,
        invoice_path=scan.relative,
        public_copy_path=copy.relative if copy else None,
        created_at=utcnow(),
    )
    db.session.add(expense)
    db.session.flush()
    record(
        actor,
        "expense.propose",
        expense,
        _l(
            "Đề xuất chi %(amount)s từ %(campaign)s cho %(supplier)s (HĐ %(number)s)",
            amount=vnd(amount),
            campaign=campaign.title,
            supplier=supplier,
            number=number,
        ),
        {
            "proposal": proposal.public_id,
            "kind": kind_.value,
            "invoice_date": when,
            "budget_line_id": expense.budget_line_id,
            "public_copy": copy is not None,
        },
    )
    private_files.save_after_commit([f for f in (scan, copy) if f is not None])
    cache.clear_after_commit()
    return expense


def expense_for_proposal(proposal: Proposal) -> Expense | None:
    """The expense a proposal pays (None for other kinds)."""
    return db.session.execute(
        select(Expense).where(Expense.proposal_id == proposal.id)
    ).scalar_one_or_none()


def execute(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """On approval: campaign → expense account → world, with the proposal's public label."""
    expense = expense_for_proposal(proposal)
    if expense is None or proposal.source != expense.campaign.account:
        raise DomainError(_l("Đề xuất này không gắn với khoản chi nào."))
    account = expense_account(expense.campaign)
    common = {
        "asset": "VND",
        "amount": proposal.amount,
        "ref": proposal.public_id,
        "label": proposal.public_label,
        "at": posting_time(),
    }
    paid = ledger.post(
        source=proposal.source,
        destination=account,
        kind="purchase",
        idempotency_key=f"expense:{proposal.public_id}:in",
        **common,
    )
    out = ledger.post(
        source=account,
        destination=ledger.WORLD,
        kind="expense",
        idempotency_key=f"expense:{proposal.public_id}:out",
        **common,
    )
    cache.clear_after_commit()
    return [paid.entry, out.entry]


def campaign_expenses(campaign: Campaign) -> Select:
    """A campaign's expenses, newest first (for pagination)."""
    return (
        select(Expense)
        .join(Proposal, Proposal.id == Expense.proposal_id)
        .where(Expense.campaign_id == campaign.id)
        .order_by(Expense.created_at.desc(), Expense.id.desc())
    )


def approved_expenses(campaign: Campaign, limit: int = 10) -> tuple[list[Expense], int]:
    """The latest approved expenses (what the public sees) and how many there are in all."""
    where = (Expense.campaign_id == campaign.id, Proposal.status == ProposalStatus.approved)
    rows = db.session.execute(
        select(Expense)
        .join(Proposal, Proposal.id == Expense.proposal_id)
        .where(*where)
        .options(selectinload(Expense.budget_line))
        .order_by(Expense.invoice_date.desc(), Expense.id.desc())
        .limit(limit)
    ).scalars()
    total = db.session.execute(
        select(func.count(Expense.id))
        .join(Proposal, Proposal.id == Expense.proposal_id)
        .where(*where)
    ).scalar_one()
    return list(rows), int(total)


@dataclass(frozen=True)
class LineProgress:
    """One budget line: what was planned and what approved expenses on it spent."""

    label: str
    budget: int
    spent: int

    @property
    def percent(self) -> int:
        return self.spent * 100 // self.budget if self.budget else 0

    @property
    def over(self) -> bool:
        return self.spent > self.budget


def budget_progress(campaign: Campaign) -> tuple[list[LineProgress], int]:
    """Budget vs spent per line (spent from the ledger), and what was spent on no line."""
    by_ref = figures.spent_by_ref(campaign.account)
    rows = db.session.execute(
        select(Expense.budget_line_id, Proposal.public_id)
        .join(Proposal, Proposal.id == Expense.proposal_id)
        .where(Expense.campaign_id == campaign.id)
    )
    spent: dict[int | None, int] = {}
    counted = set()
    for line_id, ref in rows:
        spent[line_id] = spent.get(line_id, 0) + by_ref.get(ref, 0)
        counted.add(ref)
    # Spending posted without an expense row (older entries) counts on no line.
    loose = sum(v for ref, v in by_ref.items() if ref not in counted)
    lines = [
        LineProgress(line.label, line.amount, spent.get(line.id, 0))
        for line in campaign.budget_lines
    ]
    return lines, spent.get(None, 0) + loose


def line_progress(expense: Expense) -> LineProgress | None:
    """Budget vs spent so far on the expense's budget line (for the approver)."""
    if expense.budget_line is None:
        return None
    lines, _loose = budget_progress(expense.campaign)
    index = expense.campaign.budget_lines.index(expense.budget_line)
    return lines[index]


def pending_out(accounts: list[str]) -> dict[str, int]:
    """Đồng in proposals still waiting to leave each account (every kind of money out)."""
    if not accounts:
        return {}
    rows = db.session.execute(
        select(Proposal.source, func.sum(Proposal.amount))
        .where(
            Proposal.source.in_(accounts),
            Proposal.asset == "VND",
            Proposal.status == ProposalStatus.proposed,
        )
        .group_by(Proposal.source)
    )
    return {source: int(total) for source, total in rows}


def get_expense(actor: User, expense_id: int) -> Expense:
    """An expense in the actor's scope (for its invoice)."""
    require_role(actor, approvals.READERS)
    expense = db.session.get(Expense, expense_id)
    if expense is None:
        raise NotFound(_l("Không tìm thấy khoản chi."))
    require_unit(actor, expense.campaign.unit_id)
    return expense


def public_copy(slug: str, expense_id: int) -> Expense:
    """An approved expense of a public campaign whose redacted copy was published."""
    expense = db.session.get(Expense, expense_id)
    if (
        expense is None
        or expense.campaign.slug != slug
        or expense.campaign.status == CampaignStatus.draft
        or expense.status != ProposalStatus.approved
        or not expense.public_copy_path
    ):
        raise NotFound(_l("Không có bản hoá đơn công khai này."))
    return expense
