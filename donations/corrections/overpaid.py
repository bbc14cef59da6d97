"""Pledges paid more than pledged, or twice: the treasurer keeps the difference for the campaign
(and may thank the donor through the mail outbox) or refunds it — a `refund` proposal that,
once someone else approves it, posts `campaign → world` with the outgoing transfer's reference.

The excess still to decide is what was received beyond the pledge, less what was kept and the
refunds still waiting for approval (an approved refund has already lowered what was received).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app import mail, stored_text
from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.audit import service as audit
from app.auth.guards import require_role
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.locking import lock_rows
from app.money import format_vnd
from donations.corrections.models import Overpayment, OverpaymentAction
from donations.models import Donation
from donations.pledges.models import Pledge
from donations.pledges.services import find_pledge
from donations.receipts.models import Receipt
from donations.recording import adjust_pledge

TREASURY = ("admin", "treasurer")
READERS = (*TREASURY, "auditor")
REFUND = "refund"


def _handled():
    """Per pledge: kept, plus refunds waiting for approval."""
    return (
        select(Overpayment.pledge_id, func.sum(Overpayment.amount).label("handled"))
        .outerjoin(Proposal, Overpayment.proposal_id == Proposal.id)
        .where(
            or_(
                Overpayment.action == OverpaymentAction.kept.value,
                Proposal.status == ProposalStatus.proposed,
            )
        )
        .group_by(Overpayment.pledge_id)
        .subquery()
    )


def queue(actor: User) -> Select:
    """One-time pledges whose excess is not decided yet, newest first."""
    require_role(actor, READERS)
    handled = _handled()
    left = Pledge.received - Pledge.amount - func.coalesce(handled.c.handled, 0)
    return (
        select(Pledge)
        .outerjoin(handled, handled.c.pledge_id == Pledge.id)
        .where(Pledge.monthly.is_(False), left > 0)
        .options(selectinload(Pledge.campaign))
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    )


def queue_count() -> int:
    """How many pledges wait for a decision."""
    handled = _handled()
    left = Pledge.received - Pledge.amount - func.coalesce(handled.c.handled, 0)
    return db.session.execute(
        select(func.count())
        .select_from(Pledge)
        .outerjoin(handled, handled.c.pledge_id == Pledge.id)
        .where(Pledge.monthly.is_(False), left > 0)
    ).scalar_one()


def outstanding(pledge: Pledge) -> int:
    """The excess of this pledge still to decide."""
    if pledge.monthly:
        return 0
    handled = db.session.execute(
        select(func.coalesce(func.sum(Overpayment.amount), 0))
        .outerjoin(Proposal, Overpayment.proposal_id == Proposal.id)
        .where(
            Overpayment.pledge_id == pledge.id,
            or_(
                Overpayment.action == OverpaymentAction.kept.value,
                Proposal.status == ProposalStatus.proposed,
            ),
        )
    ).scalar_one()
    return max(0, pledge.received - pledge.amount - int(handled))


def gifts_of(pledge: Pledge) -> list[Donation]:
    """The gifts counted for the pledge (reversed ones too, marked), oldest first."""
    return list(
        db.session.execute(
            select(Donation).where(Donation.pledge_id == pledge.id).order_by(Donation.received_at)
        ).scalars()
    )


def decisions(pledge: Pledge) -> list[Overpayment]:
    """What was decided about this pledge's excess, newest first."""
    return list(
        db.session.execute(
            select(Overpayment)
            .where(Overpayment.pledge_id == pledge.id)
            .options(selectinload(Overpayment.proposal))
            .order_by(Overpayment.id.desc())
        ).scalars()
    )


def get(actor: User, reference: str) -> Pledge:
    """A pledge by its reference, for the treasury."""
    require_role(actor, READERS)
    return find_pledge(reference)


def _locked(pledge: Pledge) -> Pledge:
    """The pledge locked until the commit: two decisions at once decide once."""
    return lock_rows(select(Pledge).where(Pledge.id == pledge.id)).one()


def _nothing_left(pledge: Pledge) -> DomainError:
    return DomainError(
        _l(
            "Cam kết %(ref)s không còn khoản thừa nào chờ xử lý (có thể người khác vừa xử lý).",
            ref=pledge.reference,
        )
    )


def keep(actor: User, pledge: Pledge, *, thank: bool = False, note: str = "") -> Overpayment:
    """Keep the whole excess for the campaign; optionally thank the donor by e-mail."""
    require_role(actor, TREASURY)
    pledge = _locked(pledge)
    amount = outstanding(pledge)
    if amount <= 0:
        raise _nothing_left(pledge)
    thanked = bool(thank and pledge.email)
    decision = Overpayment(
        pledge_id=pledge.id,
        action=OverpaymentAction.kept.value,
        amount=amount,
        reason=" ".join((note or "").split())[:1000],
        thanked=thanked,
        recorded_by_id=actor.id,
    )
    db.session.add(decision)
    db.session.flush()
    if thanked:
        _thank(pledge, amount)
    audit.record(
        actor,
        "overpayment.keep",
        pledge,
        _l(
            "Giữ lại %(amount)s chuyển thừa của %(ref)s cho chiến dịch",
            amount=stored_text.vnd(amount),
            ref=pledge.reference,
        ),
        {"amount": amount, "thanked": thanked},
        target_id=pledge.reference,
    )
    return decision


def _thank(pledge: Pledge, amount: int) -> None:
    """Queue the thank-you in the outbox (sent after the commit, in Vietnamese)."""
    fund = current_app.config["FUND_NAME"]
    with force_locale("vi"):
        context = {"pledge": pledge, "extra": amount, "fund_name": fund}
        mail.queue(
            mail.Message(
                to=pledge.email,
                subject=str(_l("Cảm ơn khoản ủng hộ thêm – %(fund)s", fund=fund)),
                text=render_template("emails/overpaid_thanks.txt", **context),
            )
        )


def propose_refund(
    actor: User, pledge: Pledge, *, amount: int, bank_reference: str, reason: str
) -> Overpayment:
    """Propose sending (part of) the excess back; the ledger moves when someone else approves."""
    require_role(actor, TREASURY)
    pledge = _locked(pledge)
    left = outstanding(pledge)
    if left <= 0:
        raise _nothing_left(pledge)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DomainError(_l("Số tiền hoàn phải lớn hơn 0."), field="amount")
    if amount > left:
        raise DomainError(
            _l(
                "Chỉ hoàn được tối đa %(left)s (phần thừa chưa xử lý), không phải %(amount)s.",
                left=stored_text.vnd(left),
                amount=stored_text.vnd(amount),
            ),
            field="amount",
        )
    bank_reference = " ".join((bank_reference or "").split())
    if len(bank_reference) < 4:
        raise DomainError(
            _l("Vui lòng ghi mã giao dịch của lần chuyển tiền hoàn (trên sao kê ngân hàng)."),
            field="bank_reference",
        )
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise DomainError(_l("Vui lòng ghi lý do hoàn tiền."), field="reason")
    campaign = pledge.campaign
    proposal = approvals.propose(
        actor,
        REFUND,
        unit_id=campaign.unit_id,
        source=campaign.account,
        amount=amount,
        title=f"Hoàn {format_vnd(amount, 'vi')} chuyển thừa của {pledge.reference}",
        reason=reason,
        public_label=f"Hoàn tiền chuyển thừa – {pledge.reference}",
        payload={"pledge_id": pledge.id, "bank_reference": bank_reference[:120]},
        source_name=campaign.title,
    )
    decision = Overpayment(
        pledge_id=pledge.id,
        action=OverpaymentAction.refund.value,
        amount=amount,
        proposal_id=proposal.id,
        bank_reference=bank_reference[:120],
        reason=reason,
        recorded_by_id=actor.id,
    )
    db.session.add(decision)
    db.session.flush()
    return decision


def for_proposal(proposal: Proposal) -> Overpayment:
    """The refund a proposal decides."""
    return db.session.execute(
        select(Overpayment).where(Overpayment.proposal_id == proposal.id)
    ).scalar_one()


def execute_refund(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """Approval: `campaign → world` (kind refund), the pledge shows what went back."""
    decision = for_proposal(proposal)
    pledge = _locked(decision.pledge)
    posting = ledger.post(
        source=proposal.source,
        destination=ledger.WORLD,
        asset="VND",
        amount=decision.amount,
        kind="refund",
        ref=pledge.reference,
        idempotency_key=f"proposal:{proposal.public_id}",
        label=proposal.public_label,
    )
    pledge.refunded += decision.amount
    adjust_pledge(pledge, -decision.amount)
    _void_duplicate_receipt(pledge, decision, proposal)
    db.session.flush()
    audit.record(
        approver,
        "overpayment.refund",
        pledge,
        _l(
            "Hoàn %(amount)s cho %(ref)s (giao dịch %(bank)s, bút toán #%(seq)s)",
            amount=stored_text.vnd(decision.amount),
            ref=pledge.reference,
            bank=decision.bank_reference,
            seq=posting.entry.seq,
        ),
        {"amount": decision.amount, "status": pledge.status.value},
        target_id=pledge.reference,
    )
    return [posting.entry]


def _void_duplicate_receipt(pledge: Pledge, decision: Overpayment, proposal: Proposal) -> None:
    """A transfer sent twice and refunded whole: its receipt no longer stands."""
    receipt = db.session.execute(
        select(Receipt)
        .where(
            Receipt.pledge_id == pledge.id,
            Receipt.amount == decision.amount,
            Receipt.voided_at.is_(None),
        )
        .order_by(Receipt.received_at.desc(), Receipt.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    receipts = db.session.execute(
        select(func.count()).where(Receipt.pledge_id == pledge.id, Receipt.voided_at.is_(None))
    ).scalar_one()
    if receipt is not None and receipts > 1:  # the pledge keeps at least its first receipt
        receipt.voided_at = utcnow()
        receipt.void_reason = (
            f"Hoàn chuyển trùng theo đề xuất {proposal.public_id} "
            f"(giao dịch {decision.bank_reference})"
        )[:300]
