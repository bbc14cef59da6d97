"""The review queue: a treasurer assigns a transfer without a usable code, or sets it aside."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from sqlalchemy import select

from app.audit import service as audit
from app.auth.guards import require_role
from app.dbtypes import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from campaigns.models import GENERAL_FUND_SLUG, Campaign
from donations.bank.models import TX_TRANSITIONS, BankTransaction, TxStatus
from donations.pledges.models import Pledge
from donations.pledges.services import find_pledge
from donations.recording import record_donation

REVIEWERS = ("admin", "treasurer")


def load_for_update(tx_id: int) -> BankTransaction:
    """The transaction, locked so that two treasurers cannot settle it twice."""
    tx = db.session.execute(
        select(BankTransaction)
        .where(BankTransaction.id == tx_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if tx is None:
        raise NotFound(_("Không tìm thấy giao dịch."))
    return tx


def _open(tx: BankTransaction, target: TxStatus) -> None:
    """Refuse a transaction that is no longer waiting in the queue."""
    TX_TRANSITIONS.check(
        tx.status, target, _("Giao dịch này đã được xử lý, không còn trong hàng chờ.")
    )


def _tx_name(tx: BankTransaction) -> str:
    return f"{tx.provider}:{tx.provider_id}"


def general_fund() -> Campaign | None:
    """The general fund, where unassigned money goes by default."""
    return db.session.execute(
        select(Campaign).where(Campaign.slug == GENERAL_FUND_SLUG)
    ).scalar_one_or_none()


def assign(
    user,
    tx: BankTransaction,
    *,
    pledge_reference: str = "",
    campaign: Campaign | None = None,
    label: str | None = None,
) -> BankTransaction:
    """Count the transfer as a donation to a pledge (its campaign) or to a campaign.

    `label` is the donor's name for the honour roll when no pledge says it (None: the pledge's).
    """
    require_role(user, REVIEWERS)
    _open(tx, TxStatus.assigned)
    if tx.direction != "in" or tx.amount <= 0:
        raise DomainError(_("Chỉ giao dịch tiền vào mới được tính là ủng hộ."))
    pledge: Pledge | None = None
    if pledge_reference.strip():
        try:
            pledge = find_pledge(pledge_reference)
        except NotFound:
            raise DomainError(
                _("Không có cam kết nào mang mã %(ref)s.", ref=pledge_reference.strip()),
                field="pledge_reference",
            ) from None
    if campaign is not None and not campaign.accepts_gifts:
        raise DomainError(_("Chiến dịch này không còn nhận ủng hộ."), field="campaign_id")
    # A pledge of a closed campaign is no default: its money goes to the general fund.
    own = pledge.campaign if pledge is not None and pledge.campaign.accepts_gifts else None
    target = campaign or own or general_fund()
    if target is None:
        raise DomainError(
            _("Chưa có Quỹ chung: hãy chọn một chiến dịch nhận khoản này."), field="campaign"
        )
    provider_ref, key = tx.donation_keys()
    donation, _created = record_donation(
        campaign=target,
        amount=tx.amount,
        provider=tx.provider,
        provider_ref=provider_ref,
        idempotency_key=key,
        pledge=pledge,
        received_at=tx.occurred_at,
        label=label,
    )
    before = {"status": tx.status.value, "pledge_id": tx.pledge_id}
    TX_TRANSITIONS.move(tx, TxStatus.assigned)
    tx.pledge = pledge
    tx.donation = donation
    tx.resolved_by_id = user.id
    tx.resolved_at = utcnow()
    tx.set_note(_("Đã gán cho %(target)s.", target=pledge.reference if pledge else target.title))
    db.session.flush()
    receiver = " ".join(filter(None, (pledge.reference if pledge else "", target.account)))
    audit.record(
        user,
        "bank_tx.assign",
        tx,
        _(
            "Gán giao dịch %(tx)s (%(amount)s ₫) cho %(target)s",
            tx=_tx_name(tx),
            amount=tx.amount,
            target=receiver,
        ),
        {
            "status": [before["status"], tx.status.value],
            "pledge_id": [before["pledge_id"], tx.pledge_id],
            "campaign": [None, target.slug],
            "donation_id": [None, donation.id],
        },
    )
    return tx


def dismiss(user, tx: BankTransaction, *, reason: str) -> BankTransaction:
    """Mark the transfer as not a donation (a refund to the bank, an internal move…)."""
    require_role(user, REVIEWERS)
    _open(tx, TxStatus.not_donation)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise DomainError(_("Vui lòng ghi rõ lý do (ít nhất 5 ký tự)."), field="reason")
    if len(reason) > 300:
        raise DomainError(_("Lý do tối đa 300 ký tự."), field="reason")
    TX_TRANSITIONS.move(tx, TxStatus.not_donation)
    tx.set_note(reason)
    tx.resolved_by_id = user.id
    tx.resolved_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        "bank_tx.not_donation",
        tx,
        _("Giao dịch %(tx)s không phải khoản ủng hộ: %(reason)s", tx=_tx_name(tx), reason=reason),
        {"status": [TxStatus.review.value, tx.status.value], "reason": [None, reason]},
    )
    return tx


def same_transfer(user, tx: BankTransaction, other_id: int | None) -> BankTransaction:
    """The treasurer's word that a waiting report and row `other_id` are one transfer: the
    waiting one stays as evidence on the other and counts nothing (one transfer, one credit)."""
    require_role(user, REVIEWERS)
    _open(tx, TxStatus.duplicate)
    if not other_id:
        raise DomainError(_("Chưa chọn giao dịch gốc."))
    other = load_for_update(other_id)
    linked = {tx.maybe_twin_of_id, other.maybe_twin_of_id}
    if other.id == tx.id or (other.id not in linked and tx.id not in linked):
        raise DomainError(_("Hai giao dịch này không được đề xuất là trùng nhau."))
    if other.status in (TxStatus.duplicate, TxStatus.ignored):
        raise DomainError(_("Giao dịch kia không còn là một giao dịch riêng để giữ làm gốc."))
    if other.provider == tx.provider or (tx.amount, tx.direction) != (
        other.amount,
        other.direction,
    ):
        raise DomainError(_("Hai báo cáo cùng kênh hoặc khác số tiền không thể là một giao dịch."))
    taken = db.session.execute(
        select(BankTransaction.id).where(
            BankTransaction.twin_of_id == other.id, BankTransaction.provider == tx.provider
        )
    ).first()
    if taken is not None:
        raise DomainError(
            _(
                "Giao dịch #%(id)s đã có một báo cáo khác từ %(provider)s làm bằng chứng.",
                id=other.id,
                provider=tx.provider,
            )
        )
    TX_TRANSITIONS.move(tx, TxStatus.duplicate)
    tx.twin_of = other
    tx.maybe_twin_of = None
    tx.pledge_id, tx.donation_id = other.pledge_id, other.donation_id
    tx.resolved_by_id = user.id
    tx.resolved_at = utcnow()
    tx.set_note(
        _("Cùng một giao dịch với #%(id)s (%(provider)s).", id=other.id, provider=other.provider)
    )
    db.session.flush()
    audit.record(
        user,
        "bank_tx.same_transfer",
        tx,
        _(
            "Giao dịch %(tx)s là báo cáo trùng của %(other)s: không tính lần nữa",
            tx=_tx_name(tx),
            other=_tx_name(other),
        ),
        {"status": [TxStatus.review.value, tx.status.value], "twin_of_id": [None, other.id]},
    )
    return tx
