"""Stock-takes: a unit counts what it holds; a difference with the books is an adjustment
(`stock_adjustment`, four eyes) that moves the goods in the ledger and the unit's store.

A shortage leaves the campaign that owned the goods (`campaign → world`, kind `adjustment`), a
surplus comes into it (`world → campaign`). Nothing may leave a store or a campaign below zero:
a count below zero, a shortage the campaign's goods cannot cover, or a store emptied meanwhile
(hand-overs since the count) are refused with what is missing named.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import stored_text
from app.approvals import services as approvals
from app.approvals.models import Proposal
from app.audit import service as audit
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import Asset, LedgerEntry
from app.money import format_quantity
from app.units.models import Unit
from campaigns.models import Campaign
from donations.in_kind import stock
from donations.in_kind.models import StockTake

KIND = "stock_adjustment"
RECORDERS = ("admin", "manager", "treasurer")
REASON_MIN = 10


def record_stocktake(
    actor: User,
    *,
    unit_id: int,
    asset: str,
    counted: int,
    counted_on: date,
    campaign: Campaign | None = None,
    reason: str = "",
) -> StockTake:
    """Record a count; a difference becomes an adjustment waiting for approval. Flushes."""
    require_role(actor, RECORDERS)
    require_unit(actor, unit_id)
    if db.session.get(Asset, asset) is None or asset == "VND":
        raise DomainError(_l("Vui lòng chọn loại hiện vật."), field="asset")
    if isinstance(counted, bool) or not isinstance(counted, int):
        raise DomainError(_l("Số lượng phải là số nguyên."), field="counted")
    if counted < 0:
        raise DomainError(_l("Số đếm được không thể âm."), field="counted")
    if counted_on > date.today():
        raise DomainError(_l("Ngày kiểm kê không được ở tương lai."), field="counted_on")
    ledger.lock()  # the books as of now: no hand-over changes them while we compare
    book = stock.level(unit_id, asset)
    difference = counted - book
    take = StockTake(
        unit_id=unit_id,
        asset=asset,
        counted_on=counted_on,
        counted=counted,
        book=book,
        difference=difference,
        reason=" ".join((reason or "").split()),
        recorded_by_id=actor.id,
    )
    unit = db.session.get(Unit, unit_id)
    if difference:
        _propose(actor, take, unit, campaign)
    db.session.add(take)
    db.session.flush()
    audit.record(
        actor,
        "stock.take",
        take,
        _l(
            "Kiểm kê %(unit)s: đếm được %(counted)s, sổ ghi %(book)s",
            unit=unit.name,
            counted=stored_text.quantity(counted, asset),
            book=stored_text.quantity(book, asset),
        ),
        {"asset": asset, "counted": counted, "book": book, "difference": difference},
    )
    return take


def _propose(actor: User, take: StockTake, unit: Unit, campaign: Campaign | None) -> None:
    if campaign is None:
        raise DomainError(
            _l("Có chênh lệch: chọn chiến dịch sở hữu số hàng này."), field="campaign_id"
        )
    if len(take.reason) < REASON_MIN:
        raise DomainError(
            _l("Có chênh lệch: vui lòng ghi rõ lý do (ít nhất %(n)s ký tự).", n=REASON_MIN),
            field="reason",
        )
    short = take.difference < 0
    quantity = abs(take.difference)
    goods = format_quantity(quantity, take.asset, "vi")
    proposal = approvals.propose(
        actor,
        KIND,
        unit_id=unit.id,
        source=campaign.account if short else ledger.WORLD,
        amount=quantity,
        asset=take.asset,
        title=f"Kiểm kê {unit.name}: {'thiếu' if short else 'thừa'} {goods}",
        reason=take.reason,
        public_label=f"Điều chỉnh kiểm kê kho – {unit.name}"[:200],
        payload={"difference": take.difference},
        source_name=campaign.title if short else "",
    )
    take.campaign_id = campaign.id
    take.proposal_id = proposal.id


def for_proposal(proposal: Proposal) -> StockTake:
    """The stock-take a proposal decides."""
    return db.session.execute(
        select(StockTake).where(StockTake.proposal_id == proposal.id)
    ).scalar_one()


def execute(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """Approval: move the difference in the campaign's goods and in the unit's store."""
    take = for_proposal(proposal)
    account = take.campaign.account
    short = take.difference < 0
    entry = ledger.post(
        source=account if short else ledger.WORLD,
        destination=ledger.WORLD if short else account,
        asset=take.asset,
        amount=abs(take.difference),
        kind="adjustment",
        ref=proposal.public_id,
        idempotency_key=f"proposal:{proposal.public_id}",
        label=proposal.public_label,
    ).entry
    stock.move(
        take.unit_id,
        take.asset,
        take.difference,
        kind="adjustment",
        key=f"stocktake:{take.id}",
        ref=proposal.public_id,
        ledger_seq=entry.seq,
        note=take.reason[:200],
    )
    return [entry]
