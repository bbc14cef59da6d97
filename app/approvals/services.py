"""Proposing, approving, refusing and cancelling money going out (four eyes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from app.approvals import kinds
from app.approvals.models import PROPOSAL_TRANSITIONS, Proposal, ProposalStatus
from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import DomainError, Forbidden, NotFound
from app.extensions import db
from app.ledger import service as ledger
from app.locking import lock_rows
from app.public_ids import new_public_id
from app.stored_text import quantity

PROPOSERS = ("admin", "manager", "treasurer")
APPROVERS = ("admin", "treasurer")
READERS = ("admin", "manager", "treasurer", "auditor")
NOTE_MIN = 5


def check_amount(amount: object) -> int:
    """A positive whole amount in the asset's base unit."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DomainError(_l("Số lượng phải là số nguyên."), field="amount")
    if amount <= 0:
        raise DomainError(_l("Số tiền phải lớn hơn 0."), field="amount")
    return amount


def check_balance(source: str, asset: str, amount: int, *, name: str = "", field: str = "amount"):
    """Refuse, naming the shortfall, when `source` cannot pay `amount` of `asset` now."""
    if source == ledger.WORLD:
        return
    have = ledger.balance(source, asset)
    if have < amount:
        raise DomainError(
            _l(
                "%(name)s không đủ số dư: còn %(have)s, cần %(need)s, thiếu %(short)s.",
                name=name or source,
                have=quantity(have, asset),
                need=quantity(amount, asset),
                short=quantity(amount - have, asset),
            ),
            field=field,
        )


def propose(
    actor: User,
    kind: str,
    *,
    unit_id: int,
    source: str,
    amount: int,
    title: str,
    asset: str = "VND",
    reason: str = "",
    public_label: str = "",
    payload: dict | None = None,
    source_name: str = "",
) -> Proposal:
    """Record a proposal; nothing moves until someone else approves it. Flushes."""
    require_role(actor, PROPOSERS)
    require_unit(actor, unit_id)
    kinds.get(kind)  # an unknown kind is a programming error, not user input
    amount = check_amount(amount)
    check_balance(source, asset, amount, name=source_name)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_l("Vui lòng mô tả khoản chi."), field="title")
    proposal = Proposal(
        public_id=new_public_id(Proposal, "DX", 6),
        kind=kind,
        unit_id=unit_id,
        source=source,
        asset=asset,
        amount=amount,
        title=title[:200],
        reason=(reason or "").strip(),
        public_label=" ".join((public_label or "").split())[:200],
        payload={**(payload or {}), "source_name": source_name},
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
    )
    db.session.add(proposal)
    db.session.flush()
    record(
        actor,
        "proposal.create",
        proposal,
        _l("Đề xuất %(id)s: %(title)s", id=proposal.public_id, title=proposal.title),
        {"kind": kind, "source": source, "asset": asset, "amount": amount},
        target_id=proposal.public_id,
    )
    return proposal


def get(actor: User, public_id: str) -> Proposal:
    """A proposal in the actor's scope."""
    require_role(actor, READERS)
    proposal = db.session.execute(
        select(Proposal).where(Proposal.public_id == (public_id or "").strip().upper())
    ).scalar_one_or_none()
    if proposal is None:
        raise NotFound(_l("Không tìm thấy đề xuất."))
    require_unit(actor, proposal.unit_id)
    return proposal


def _locked(actor: User, public_id: str) -> Proposal:
    """The proposal, locked until the commit: two people deciding at once decide once."""
    proposal = get(actor, public_id)
    return lock_rows(select(Proposal).where(Proposal.id == proposal.id)).one()


def approve(actor: User, public_id: str, note: str = "") -> Proposal:
    """Approve someone else's proposal and post its entries (the kind decides which)."""
    require_role(actor, APPROVERS)
    proposal = _locked(actor, public_id)
    PROPOSAL_TRANSITIONS.check(
        proposal.status,
        ProposalStatus.approved,
        _l(
            "Đề xuất %(id)s đã được xử lý (%(status)s).",
            id=proposal.public_id,
            status=proposal.status_label,
        ),
    )
    if proposal.proposed_by_id == actor.id:
        raise Forbidden(_l("Người đề xuất không được tự duyệt; cần một người khác duyệt."))
    check_balance(
        proposal.source,
        proposal.asset,
        proposal.amount,
        name=proposal.payload.get("source_name", ""),
    )
    entries = kinds.get(proposal.kind).execute(proposal, actor)
    PROPOSAL_TRANSITIONS.move(proposal, ProposalStatus.approved)
    proposal.decided_by_id = actor.id
    proposal.decided_at = utcnow()
    proposal.decision_note = (note or "").strip()
    proposal.ledger_seqs = [entry.seq for entry in entries]
    db.session.flush()
    record(
        actor,
        "proposal.approve",
        proposal,
        _l("Duyệt đề xuất %(id)s: %(title)s", id=proposal.public_id, title=proposal.title),
        {"ledger_seqs": proposal.ledger_seqs},
        target_id=proposal.public_id,
    )
    return proposal


def refuse(actor: User, public_id: str, note: str) -> Proposal:
    """Refuse a proposal, with the reason the proposer will read."""
    require_role(actor, APPROVERS)
    note = (note or "").strip()
    if len(note) < NOTE_MIN:
        raise DomainError(_l("Vui lòng ghi lý do từ chối."), field="note")
    proposal = _locked(actor, public_id)
    PROPOSAL_TRANSITIONS.move(proposal, ProposalStatus.refused)
    proposal.decided_by_id = actor.id
    proposal.decided_at = utcnow()
    proposal.decision_note = note
    db.session.flush()
    record(
        actor,
        "proposal.refuse",
        proposal,
        _l("Từ chối đề xuất %(id)s: %(note)s", id=proposal.public_id, note=note),
        target_id=proposal.public_id,
    )
    return proposal


def cancel(actor: User, public_id: str) -> Proposal:
    """The proposer (or an admin) withdraws a proposal still waiting."""
    proposal = _locked(actor, public_id)
    if proposal.proposed_by_id != actor.id and actor.role.value != "admin":
        raise Forbidden(_l("Chỉ người đề xuất mới huỷ được đề xuất này."))
    PROPOSAL_TRANSITIONS.move(proposal, ProposalStatus.cancelled)
    proposal.decided_by_id = actor.id
    proposal.decided_at = utcnow()
    db.session.flush()
    record(
        actor,
        "proposal.cancel",
        proposal,
        _l("Huỷ đề xuất %(id)s", id=proposal.public_id),
        target_id=proposal.public_id,
    )
    return proposal


def listing(actor: User, *, status: str = "", kind: str = "") -> Select:
    """Proposals in the actor's scope, waiting ones first, newest first."""
    require_role(actor, READERS)
    stmt = select(Proposal).where(unit_scope_clause(actor, Proposal.unit_id))
    if status in ProposalStatus.__members__:
        stmt = stmt.where(Proposal.status == ProposalStatus(status))
    if kind in kinds.KINDS:
        stmt = stmt.where(Proposal.kind == kind)
    return stmt.order_by(Proposal.proposed_at.desc(), Proposal.id.desc())


def waiting_count(actor: User) -> int:
    """Proposals this person could decide now (not their own)."""
    return db.session.execute(
        select(func.count()).where(
            Proposal.status == ProposalStatus.proposed,
            Proposal.proposed_by_id != actor.id,
            unit_scope_clause(actor, Proposal.unit_id),
        )
    ).scalar_one()
