"""Reversing a mistaken entry or a wrong assignment: a treasurer proposes it with a reason,
someone else approves, then the reversal is posted and every record follows it.

A reversed gift no longer counts: its pledge's received amount and status follow the money,
its receipt is marked void, in-kind goods leave the unit's store, and a bank transfer goes back
to the review queue to be assigned again (with new keys, `BankTransaction.donation_keys`).
Packages whose records an entry belongs to (rounds) take part through `hooks`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import stored_text
from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.audit import service as audit
from app.auth.guards import require_role
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, DomainError, NotFound
from app.extensions import db
from app.labels import ENTRY_KINDS
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.money import format_quantity
from app.units.models import Unit
from campaigns.models import Campaign
from donations.bank.models import TX_TRANSITIONS, BankTransaction, TxStatus
from donations.corrections import hooks
from donations.corrections.models import Correction
from donations.in_kind import stock
from donations.in_kind.models import InKindGift
from donations.models import Donation
from donations.receipts.models import Receipt
from donations.recording import adjust_pledge

PROPOSERS = ("admin", "treasurer")
REVERSE_ENTRY = "reverse_entry"
REVERSE_ASSIGNMENT = "reverse_assignment"
REASON_MIN = 10


def entry_or_404(seq: int) -> LedgerEntry:
    """The ledger entry with this number."""
    entry = db.session.get(LedgerEntry, seq)
    if entry is None:
        raise NotFound(_l("Không có bút toán #%(seq)s.", seq=seq), field="seq")
    return entry


def reversed_by(seq: int) -> LedgerEntry | None:
    """The entry that reversed `seq`, if one did."""
    return db.session.execute(
        select(LedgerEntry).where(LedgerEntry.reverses_seq == seq)
    ).scalar_one_or_none()


def pending_for(seq: int) -> Proposal | None:
    """A correction of `seq` still waiting for its decision."""
    return db.session.execute(
        select(Proposal)
        .join(Correction, Correction.proposal_id == Proposal.id)
        .where(Correction.entry_seq == seq, Proposal.status == ProposalStatus.proposed)
    ).scalar_one_or_none()


def donation_of(entry: LedgerEntry) -> Donation | None:
    """The gift this entry recorded, if it recorded one."""
    return db.session.execute(
        select(Donation).where(Donation.ledger_seq == entry.seq)
    ).scalar_one_or_none()


def counted_transfer(donation: Donation | None) -> BankTransaction | None:
    """The bank transfer counted as this gift (matched or assigned; not a duplicate report)."""
    if donation is None:
        return None
    return db.session.execute(
        select(BankTransaction).where(
            BankTransaction.donation_id == donation.id,
            BankTransaction.status.in_([TxStatus.matched, TxStatus.assigned]),
        )
    ).scalar_one_or_none()


def check_reversible(entry: LedgerEntry) -> None:
    """Refuse what must not be reversed, with the reason in words."""
    if entry.reverses_seq is not None:
        raise DomainError(
            _l(
                "Bút toán #%(seq)s là bút toán đảo của #%(orig)s; không đảo một bút toán đảo.",
                seq=entry.seq,
                orig=entry.reverses_seq,
            )
        )
    done = reversed_by(entry.seq)
    if done is not None:
        raise Conflict(
            _l(
                "Bút toán #%(seq)s đã được đảo bởi bút toán #%(by)s; không đảo lần nữa.",
                seq=entry.seq,
                by=done.seq,
            )
        )
    donation = donation_of(entry)
    if donation is not None and donation.provider == "stripe":
        raise DomainError(
            _l(
                "Khoản ủng hộ qua thẻ được hoàn qua Stripe; khoản hoàn sẽ tự ghi sổ khi Stripe "
                "báo về."
            )
        )
    hooks.check_all(entry)


def _campaign(account: str) -> Campaign | None:
    if not account.startswith("campaign:"):
        return None
    slug = account.split(":", 1)[1]
    return db.session.execute(select(Campaign).where(Campaign.slug == slug)).scalar_one_or_none()


def _unit_id(entry: LedgerEntry) -> int:
    """The unit a correction belongs to: the campaign's, or the fund's root unit."""
    for account in (entry.destination, entry.source):
        campaign = _campaign(account)
        if campaign is not None:
            return campaign.unit_id
    return db.session.execute(
        select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1)
    ).scalar_one()


def propose_reversal(actor: User, seq: int, reason: str) -> Correction:
    """Propose reversing entry `seq`; nothing moves until someone else approves. Flushes."""
    require_role(actor, PROPOSERS)
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        raise DomainError(
            _l("Vui lòng ghi rõ lý do (ít nhất %(n)s ký tự).", n=REASON_MIN), field="reason"
        )
    ledger.lock()  # two proposals for one entry at once: the second sees the first
    entry = entry_or_404(seq)
    check_reversible(entry)
    waiting = pending_for(seq)
    if waiting is not None:
        raise Conflict(
            _l(
                "Đã có đề xuất %(id)s đảo bút toán #%(seq)s đang chờ duyệt.",
                id=waiting.public_id,
                seq=seq,
            )
        )
    donation = donation_of(entry)
    tx = counted_transfer(donation)
    amount = format_quantity(entry.amount, entry.asset, "vi")
    if tx is not None:
        title = f"Đảo ghi nhận giao dịch ngân hàng #{tx.id} ({amount}, bút toán #{seq})"
    else:
        kind = stored_text.vietnamese(ENTRY_KINDS.get(entry.kind, entry.kind))  # stored in vi
        title = f"Đảo bút toán #{seq} ({kind.lower()}, {amount})"
    source = _campaign(entry.destination)
    proposal = approvals.propose(
        actor,
        REVERSE_ASSIGNMENT if tx is not None else REVERSE_ENTRY,
        unit_id=_unit_id(entry),
        source=entry.destination,
        amount=entry.amount,
        asset=entry.asset,
        title=title,
        reason=reason,
        public_label=f"Điều chỉnh: đảo bút toán #{seq}",
        payload={"seq": seq, "tx_id": tx.id if tx is not None else None},
        source_name=source.title if source is not None else entry.destination,
    )
    correction = Correction(
        proposal_id=proposal.id,
        entry_seq=seq,
        donation_id=donation.id if donation is not None else None,
        bank_tx_id=tx.id if tx is not None else None,
        reason=reason,
    )
    db.session.add(correction)
    db.session.flush()
    return correction


def for_proposal(proposal: Proposal) -> Correction:
    """The correction a proposal decides."""
    return db.session.execute(
        select(Correction).where(Correction.proposal_id == proposal.id)
    ).scalar_one()


def execute(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """Approval: post the reversal, then bring the gift, receipt, store and transfer in line."""
    correction = for_proposal(proposal)
    entry = entry_or_404(correction.entry_seq)
    check_reversible(entry)  # again: a hand-over may have been signed for meanwhile
    reversal = ledger.post(
        source=entry.destination,
        destination=entry.source,
        asset=entry.asset,
        amount=entry.amount,
        kind="reversal",
        ref=entry.ref,
        idempotency_key=f"correction:{proposal.public_id}",
        reverses=entry,
        label=proposal.public_label,
    ).entry
    correction.reversal_seq = reversal.seq
    donation = donation_of(entry)
    if donation is not None:
        _undo_gift(donation, reversal, proposal, approver)
    hooks.apply_all(entry, reversal)
    db.session.flush()
    return [reversal]


def _undo_gift(donation: Donation, reversal: LedgerEntry, proposal: Proposal, approver) -> None:
    donation.reversal_seq = reversal.seq
    if donation.asset == "VND":
        adjust_pledge(donation.pledge, -donation.amount)
    receipt = db.session.execute(
        select(Receipt).where(Receipt.donation_id == donation.id)
    ).scalar_one_or_none()
    if receipt is not None and receipt.voided_at is None:
        receipt.voided_at = utcnow()
        receipt.void_reason = f"Đảo theo đề xuất {proposal.public_id}: {proposal.reason}"[:300]
    gift = db.session.execute(
        select(InKindGift).where(InKindGift.donation_id == donation.id)
    ).scalar_one_or_none()
    if gift is not None:  # the goods leave the store they were counted in (refused if gone)
        stock.move(
            gift.unit_id,
            gift.asset,
            -gift.quantity,
            kind="correction",
            key=f"reversal:{reversal.seq}",
            ref=gift.reference,
            ledger_seq=reversal.seq,
            note=proposal.public_id,
        )
    tx = counted_transfer(donation)
    if tx is not None:
        before, name = tx.status.value, f"{tx.provider}:{tx.provider_id}"
        TX_TRANSITIONS.move(tx, TxStatus.review)
        tx.reassigned += 1
        tx.donation_id = None
        tx.pledge_id = None
        tx.resolved_by_id = None
        tx.resolved_at = None
        tx.set_note(
            _l(
                "Đã đảo ghi nhận theo đề xuất %(id)s: %(reason)s",
                id=proposal.public_id,
                reason=proposal.reason,
            )
        )
        audit.record(
            approver,
            "bank_tx.correction",
            tx,
            _l(
                "Giao dịch %(tx)s trở lại hàng chờ (đề xuất %(id)s)",
                tx=name,
                id=proposal.public_id,
            ),
            {"status": [before, tx.status.value], "donation_id": [donation.id, None]},
        )
    db.session.flush()


def listing(actor: User):
    """Corrections, newest first (the proposals hold their decisions)."""
    require_role(actor, (*PROPOSERS, "auditor"))
    return (
        select(Correction)
        .join(Proposal, Correction.proposal_id == Proposal.id)
        .order_by(Correction.id.desc())
    )
