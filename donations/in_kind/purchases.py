"""Buying goods with a campaign's money for a unit's store (`stock_purchase`, four eyes).

On approval three entries are posted: the đồng leave the campaign for the goods bought
(`campaign → expense:<slug>`) and go to the supplier (`expense:<slug> → world`), and the goods
come into the campaign in their own asset (`world → campaign`). That last entry is of kind
`purchase`, not `in_kind`: goods bought are no gift, so they never count among the campaign's
gifts, while they do count among its goods received (DESIGN §4, "received"). The goods enter
the receiving unit's store.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import Proposal
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import Asset, LedgerEntry
from app.money import format_quantity, format_vnd
from app.units.models import Unit
from campaigns.models import Campaign
from donations.in_kind import stock
from donations.in_kind.models import StockPurchase

KIND = "stock_purchase"
RECORDERS = ("admin", "manager", "treasurer")
EXPENSE_SLUGS = {"RICE_G": "mua-gao", "BICYCLE": "mua-xe-dap", "SUPPLY_SET": "mua-dung-cu-hoc-tap"}


def expense_account(asset: str) -> str:
    """The expense account of goods of one asset."""
    slug = EXPENSE_SLUGS.get(asset) or "mua-" + asset.lower().replace("_", "-")
    return f"expense:{slug}"


def _goods(asset: str) -> Asset:
    row = db.session.get(Asset, asset)
    if row is None or asset == "VND":
        raise DomainError(_l("Vui lòng chọn loại hiện vật."), field="asset")
    return row


def _positive(value: object, field: str, message) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DomainError(message, field=field)
    return value


def propose_purchase(
    actor: User,
    *,
    campaign: Campaign | None,
    unit_id: int,
    asset: str,
    quantity: int,
    amount: int,
    supplier: str,
    invoice_number: str,
    invoice_date: date | None,
    reason: str = "",
) -> StockPurchase:
    """Propose buying goods; nothing moves until someone else approves. Flushes."""
    require_role(actor, RECORDERS)
    require_unit(actor, unit_id)
    if campaign is None:
        raise DomainError(_l("Vui lòng chọn chiến dịch trả tiền."), field="campaign_id")
    _goods(asset)
    quantity = _positive(quantity, "quantity", _l("Số lượng phải lớn hơn 0."))
    amount = _positive(amount, "amount", _l("Số tiền phải lớn hơn 0."))
    supplier = " ".join((supplier or "").split())
    invoice_number = " ".join((invoice_number or "").split())
    if not supplier:
        raise DomainError(_l("Khoản chi cần tên nhà cung cấp (theo hoá đơn)."), field="supplier")
    if not invoice_number:
        raise DomainError(_l("Khoản chi cần số hoá đơn."), field="invoice_number")
    if invoice_date is None:
        raise DomainError(_l("Khoản chi cần ngày hoá đơn."), field="invoice_date")
    if invoice_date > date.today():
        raise DomainError(_l("Ngày hoá đơn không được ở tương lai."), field="invoice_date")
    unit = db.session.get(Unit, unit_id)
    goods = format_quantity(quantity, asset, "vi")
    proposal = approvals.propose(
        actor,
        KIND,
        unit_id=unit_id,
        source=campaign.account,
        amount=amount,
        title=f"Mua {goods} cho {unit.name} ({format_vnd(amount, 'vi')})",
        reason=reason,
        public_label=f"Mua {goods} – HĐ {invoice_number}"[:200],
        payload={"asset": asset, "quantity": quantity},
        source_name=campaign.title,
    )
    purchase = StockPurchase(
        proposal_id=proposal.id,
        campaign_id=campaign.id,
        unit_id=unit_id,
        asset=asset,
        quantity=quantity,
        amount=amount,
        supplier=supplier[:200],
        invoice_number=invoice_number[:60],
        invoice_date=invoice_date,
    )
    db.session.add(purchase)
    db.session.flush()
    return purchase


def for_proposal(proposal: Proposal) -> StockPurchase:
    """The purchase a proposal decides."""
    return db.session.execute(
        select(StockPurchase).where(StockPurchase.proposal_id == proposal.id)
    ).scalar_one()


def execute(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """Approval: pay for the goods, bring them into the campaign and the unit's store."""
    purchase = for_proposal(proposal)
    expense = expense_account(purchase.asset)
    common = {"ref": proposal.public_id, "label": proposal.public_label}
    key = f"proposal:{proposal.public_id}"
    moves = [
        (purchase.campaign.account, expense, "VND", purchase.amount, f"{key}:pay"),
        (expense, ledger.WORLD, "VND", purchase.amount, f"{key}:supplier"),
        (
            ledger.WORLD,
            purchase.campaign.account,
            purchase.asset,
            purchase.quantity,
            f"{key}:goods",
        ),
    ]
    entries = [
        ledger.post(
            source=source,
            destination=destination,
            asset=asset,
            amount=amount,
            kind="purchase",
            idempotency_key=idem,
            **common,
        ).entry
        for source, destination, asset, amount, idem in moves
    ]
    stock.move(
        purchase.unit_id,
        purchase.asset,
        purchase.quantity,
        kind="purchase",
        key=f"purchase:{proposal.public_id}",
        ref=proposal.public_id,
        ledger_seq=entries[-1].seq,
        note=purchase.invoice_number,
    )
    return entries
