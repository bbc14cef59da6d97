"""Allocation rounds ("đợt trao"): propose, approve or return (hand-overs: handovers.py)."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app import stored_text
from app.audit.service import record
from app.auth.guards import require_role, require_unit, unit_scope_clause, unit_subtree_ids
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import Conflict, DomainError, Forbidden, NotFound
from app.extensions import db
from app.ledger import service as ledger
from app.money import format_quantity
from app.public_ids import new_public_id
from app.status import IllegalTransition
from campaigns.models import Campaign
from students.labels import ROUND_ASSETS
from students.registry.models import Student
from students.rounds.models import (
    ROUND_TRANSITIONS,
    AllocationLine,
    AllocationRound,
    Evidence,
    RoundStatus,
)

MONEY_READERS = ("admin", "manager", "treasurer", "auditor")
PROPOSERS = ("admin", "manager")
APPROVERS = ("admin", "treasurer")
EDITABLE = (RoundStatus.draft, RoundStatus.returned)
ASSET_NAMES = {
    "VND": _l("Tiền"),
    "RICE_G": _l("Gạo"),
    "BICYCLE": _l("Xe đạp"),
    "SUPPLY_SET": _l("Bộ dụng cụ học tập"),
}


def quantity_vi(amount: int, asset: str) -> str:
    """An amount in the Vietnamese words of the sign-off list (12,5 kg gạo), in any request."""
    with force_locale("vi"):  # the asset labels are lazy strings; no request may be active
        return format_quantity(amount, asset)


def get_round(actor: User, public_id: str) -> AllocationRound:
    """A round in the actor's scope."""
    require_role(actor, MONEY_READERS)
    rnd = db.session.execute(
        select(AllocationRound).where(AllocationRound.public_id == public_id)
    ).scalar_one_or_none()
    if rnd is None:
        raise NotFound(_l("Không tìm thấy đợt trao."))
    require_unit(actor, rnd.unit_id)
    return rnd


def list_rounds(actor: User, status: str = "") -> Select:
    """Rounds in scope, newest first."""
    require_role(actor, MONEY_READERS)
    stmt = select(AllocationRound).where(unit_scope_clause(actor, AllocationRound.unit_id))
    if status in RoundStatus.__members__:
        stmt = stmt.where(AllocationRound.status == RoundStatus(status))
    return stmt.order_by(AllocationRound.id.desc())


def create_round(actor: User, *, campaign_id: int, title: str, unit_id: int) -> AllocationRound:
    """A new draft round of one campaign, for one unit's students."""
    require_role(actor, PROPOSERS)
    require_unit(actor, unit_id)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_l("Chiến dịch không tồn tại."), field="campaign_id")
    if not title.strip():
        raise DomainError(_l("Vui lòng đặt tên cho đợt trao."), field="title")
    rnd = AllocationRound(
        public_id=new_public_id(AllocationRound, "DT", 6),
        title=title.strip()[:160],
        campaign_id=campaign.id,
        unit_id=unit_id,
        created_by_id=actor.id,
    )
    db.session.add(rnd)
    db.session.flush()
    record(
        actor,
        "round.create",
        rnd,
        _l("Tạo đợt trao %(round)s (%(campaign)s)", round=rnd.public_id, campaign=campaign.slug),
        target_id=rnd.public_id,
    )
    return rnd


def _require_editable(actor: User, rnd: AllocationRound) -> None:
    require_role(actor, PROPOSERS)
    require_unit(actor, rnd.unit_id)
    if rnd.status not in EDITABLE:
        raise Conflict(_l("Đợt trao đã gửi duyệt hoặc đã duyệt, không sửa được nữa."))


def add_line(
    actor: User,
    rnd: AllocationRound,
    *,
    student_public_id: str,
    asset: str,
    amount: int,
    note: str = "",
) -> AllocationLine:
    """Add one student's support (amount in the asset's base unit)."""
    _require_editable(actor, rnd)
    student = db.session.execute(
        select(Student).where(Student.public_id == student_public_id.strip().upper())
    ).scalar_one_or_none()
    if student is None:
        raise NotFound(_l("Không tìm thấy học sinh với mã này."), field="student")
    if student.unit_id not in unit_subtree_ids(rnd.unit_id):
        raise Forbidden(_l("Học sinh không thuộc đơn vị của đợt trao này."), field="student")
    require_unit(actor, student.unit_id)
    if asset not in ROUND_ASSETS:
        raise DomainError(_l("Loại hỗ trợ không hợp lệ."), field="asset")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DomainError(_l("Số lượng phải là số nguyên lớn hơn 0."), field="amount")
    if any(line.student_id == student.id and line.asset == asset for line in rnd.lines):
        raise Conflict(
            _l("Học sinh này đã có dòng cùng loại hỗ trợ trong đợt trao."), field="student"
        )
    line = AllocationLine(
        student_id=student.id, asset=asset, amount=amount, note=note.strip()[:200]
    )
    rnd.lines.append(line)
    db.session.flush()
    record(
        actor,
        "round.line_add",
        rnd,
        _l(
            "%(round)s: thêm %(student)s %(quantity)s",
            round=rnd.public_id,
            student=student.public_id,
            quantity=stored_text.quantity(amount, asset),
        ),
        target_id=rnd.public_id,
    )
    return line


def remove_line(actor: User, rnd: AllocationRound, line_id: int) -> None:
    """Take a line off a round that is still being prepared."""
    _require_editable(actor, rnd)
    line = next((ln for ln in rnd.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(_l("Không tìm thấy dòng này trong đợt trao."))
    rnd.lines.remove(line)
    db.session.flush()
    record(
        actor,
        "round.line_remove",
        rnd,
        _l("%(round)s: bỏ dòng %(line)s", round=rnd.public_id, line=line_id),
        target_id=rnd.public_id,
    )


def committed_elsewhere(rnd: AllocationRound) -> dict[str, int]:
    """What the campaign's other rounds waiting for approval already ask for, per asset."""
    others = db.session.execute(
        select(AllocationRound)
        .where(
            AllocationRound.campaign_id == rnd.campaign_id,
            AllocationRound.status == RoundStatus.proposed,
            AllocationRound.id != rnd.id,
        )
        .options(selectinload(AllocationRound.lines))
    ).scalars()
    total: dict[str, int] = defaultdict(int)
    for other in others:
        for asset, amount in needs(other).items():
            total[asset] += amount
    return dict(total)


def available(rnd: AllocationRound) -> dict[str, int]:
    """The campaign's balance per asset less what its other proposed rounds ask for."""
    account = rnd.campaign.account
    held = committed_elsewhere(rnd)
    assets = set(needs(rnd)) | {"VND"}
    return {a: ledger.balance(account, a) - held.get(a, 0) for a in sorted(assets)}


def propose_shortfalls(rnd: AllocationRound) -> list:
    """What the round lacks against what is available for it (empty when it can be paid)."""
    free = available(rnd)
    out = []
    for asset, wanted in sorted(needs(rnd).items()):
        have = max(free.get(asset, 0), 0)
        if have < wanted:
            out.append(
                _l(
                    "%(asset)s: cần %(need)s, quỹ còn %(have)s, thiếu %(missing)s",
                    asset=ASSET_NAMES.get(asset, asset),
                    need=stored_text.quantity(wanted, asset),
                    have=stored_text.quantity(have, asset),
                    missing=stored_text.quantity(wanted - have, asset),
                )
            )
    return out


def propose(actor: User, rnd: AllocationRound) -> AllocationRound:
    """Send the round for approval; the sender is the proposer.

    A round the campaign cannot pay (its balance, less its other rounds waiting for
    approval) is refused now, with what is missing, rather than blocking the approver later.
    """
    _require_editable(actor, rnd)
    if not rnd.lines:
        raise DomainError(_l("Đợt trao chưa có học sinh nào."))
    short = propose_shortfalls(rnd)
    if short:
        raise DomainError(
            _l(
                "Chiến dịch “%(campaign)s” không đủ cho đợt trao này: %(shortfalls)s. "
                "Bớt học sinh hoặc số lượng, rồi gửi lại.",
                campaign=rnd.campaign.title,
                shortfalls="; ".join(str(line) for line in short),
            )
        )
    ROUND_TRANSITIONS.move(rnd, RoundStatus.proposed)
    rnd.proposed_by_id = actor.id
    rnd.proposed_at = utcnow()
    db.session.flush()
    record(
        actor,
        "round.propose",
        rnd,
        _l("Gửi duyệt đợt trao %(round)s", round=rnd.public_id),
        target_id=rnd.public_id,
    )
    return rnd


def _lock(rnd: AllocationRound) -> None:
    """Wait for whoever else is deciding or handing over money now, then see what they did."""
    ledger.lock()
    db.session.execute(
        select(AllocationRound)
        .where(AllocationRound.id == rnd.id)
        .options(selectinload(AllocationRound.lines))
        .execution_options(populate_existing=True)
    ).scalar_one()


def _require_decider(actor: User, rnd: AllocationRound, decision: RoundStatus) -> None:
    require_role(actor, APPROVERS)
    _lock(rnd)
    refused = _l("Chỉ duyệt hoặc trả lại được đợt trao đang chờ duyệt.")
    # completed → approved is a correction's move (a hand-over reversed), never a decision.
    if rnd.status != RoundStatus.proposed:
        raise IllegalTransition(refused)
    ROUND_TRANSITIONS.check(rnd.status, decision, refused)
    if actor.id in (rnd.proposed_by_id, rnd.created_by_id):
        raise Forbidden(
            _l(
                "Người lập hoặc đề xuất đợt trao không được tự duyệt; "
                "cần một thủ quỹ hoặc quản trị khác."
            )
        )


def needs(rnd: AllocationRound) -> dict[str, int]:
    """Total per asset the round takes from its campaign."""
    total: dict[str, int] = defaultdict(int)
    for line in rnd.lines:
        total[line.asset] += line.amount
    return dict(total)


def shortfalls(rnd: AllocationRound) -> list:
    """Human-readable shortfalls of the campaign for this round (empty when it can pay)."""
    account = rnd.campaign.account
    out = []
    for asset, wanted in sorted(needs(rnd).items()):
        have = ledger.balance(account, asset)
        if have < wanted:
            out.append(
                _l(
                    "%(asset)s: cần %(need)s, quỹ còn %(have)s, thiếu %(missing)s",
                    asset=ASSET_NAMES.get(asset, asset),
                    need=stored_text.quantity(wanted, asset),
                    have=stored_text.quantity(have, asset),
                    missing=stored_text.quantity(wanted - have, asset),
                )
            )
    return out


def approve(actor: User, rnd: AllocationRound, note: str = "") -> AllocationRound:
    """Post every line `campaign → student` in one transaction, or nothing."""
    _require_decider(actor, rnd, RoundStatus.approved)
    short = shortfalls(rnd)
    if short:
        raise DomainError(
            _l(
                "Chiến dịch “%(campaign)s” không đủ để duyệt đợt trao: %(shortfalls)s.",
                campaign=rnd.campaign.title,
                shortfalls="; ".join(str(line) for line in short),
            )
        )
    for line in rnd.lines:
        student = line.student
        try:
            posting = ledger.post(
                source=rnd.campaign.account,
                destination=student.account,
                asset=line.asset,
                amount=line.amount,
                kind="allocation",
                ref=rnd.public_id,
                idempotency_key=f"alloc:{rnd.id}:{line.id}",
                label=student.public_id,
            )
        except ledger.InsufficientFunds:
            raise DomainError(
                _l("Số dư của chiến dịch vừa thay đổi và không còn đủ; đợt trao chưa được duyệt.")
            ) from None
        line.allocation_seq = posting.entry.seq
    ROUND_TRANSITIONS.move(rnd, RoundStatus.approved)
    rnd.decided_by_id = actor.id
    rnd.decided_at = utcnow()
    rnd.decision_note = note.strip()[:500]
    db.session.flush()
    record(
        actor,
        "round.approve",
        rnd,
        _l("Duyệt đợt trao %(round)s", round=rnd.public_id),
        {k: v for k, v in needs(rnd).items()},
        target_id=rnd.public_id,
    )
    return rnd


def return_round(actor: User, rnd: AllocationRound, note: str) -> AllocationRound:
    """Send the round back to its proposer with a reason."""
    _require_decider(actor, rnd, RoundStatus.returned)
    if not note.strip():
        raise DomainError(_l("Vui lòng ghi lý do trả lại."), field="note")
    ROUND_TRANSITIONS.move(rnd, RoundStatus.returned)
    rnd.decided_by_id = actor.id
    rnd.decided_at = utcnow()
    rnd.decision_note = note.strip()[:500]
    db.session.flush()
    record(
        actor,
        "round.return",
        rnd,
        _l(
            "Trả lại đợt trao %(round)s: %(reason)s",
            round=rnd.public_id,
            reason=note.strip()[:200],
        ),
        target_id=rnd.public_id,
    )
    return rnd


def evidence_for(actor: User, evidence_id: int) -> Evidence:
    """An evidence file the actor may open (money readers in the round's scope). Audited."""
    require_role(actor, MONEY_READERS)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound(_l("Không tìm thấy tệp."))
    require_unit(actor, evidence.handover.round.unit_id)
    record(
        actor,
        "round.evidence_view",
        evidence.handover.round,
        _l("Xem minh chứng #%(id)s", id=evidence.id),
        target_id=evidence.handover.round.public_id,
    )
    return evidence


def support_of(student: Student) -> list[AllocationLine]:
    """Approved support of a student, newest round first."""
    return list(
        db.session.execute(
            select(AllocationLine)
            .join(AllocationRound)
            .where(
                AllocationLine.student_id == student.id, AllocationLine.allocation_seq.is_not(None)
            )
            .order_by(AllocationRound.id.desc())
        ).scalars()
    )
