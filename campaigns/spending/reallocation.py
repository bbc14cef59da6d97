"""Reallocation between campaigns by decision of the board, and what a closed campaign's page
says about its balance.

A reallocation is a proposal of kind `reallocation` (four eyes); on approval the ledger posts
`campaign:X → campaign:Y` (kind reallocation) with the proposal's public id as ref.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.approvals import services as approvals
from app.approvals.models import Proposal, ProposalStatus
from app.audit.service import record
from app.auth.guards import require_role, require_unit
from app.auth.models import User
from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from app.stored_text import vnd
from campaigns import cache, figures
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus
from campaigns.spending.models import Reallocation
from campaigns.spending.services import LABEL_MAX, pending_out, posting_time

KIND = "reallocation"
MINUTES_MAX = 80
REASON_MIN = 10


def targets(source: Campaign) -> list[Campaign]:
    """Campaigns that may receive money now: published ones, the general fund first."""
    rows = db.session.execute(
        select(Campaign)
        .where(Campaign.status == CampaignStatus.published, Campaign.id != source.id)
        .order_by(Campaign.title)
    ).scalars()
    return sorted(rows, key=lambda c: c.slug != GENERAL_FUND_SLUG)


def _check_target(source: Campaign, target: Campaign | None) -> Campaign:
    if target is None:
        raise DomainError(_l("Vui lòng chọn chiến dịch nhận."), field="target_id")
    if target.id == source.id:
        raise DomainError(_l("Chiến dịch nhận phải khác chiến dịch chuyển."), field="target_id")
    if target.status != CampaignStatus.published:
        raise DomainError(
            _l(
                "Chiến dịch “%(title)s” không còn nhận tiền; hãy chọn chiến dịch đang nhận "
                "ủng hộ hoặc quỹ chung.",
                title=target.title,
            ),
            field="target_id",
        )
    return target


def label_for(source: Campaign, target: Campaign, minutes_ref: str) -> str:
    """The public statement's line: from, to, and the board's minutes."""
    return f"Điều chuyển từ {source.title} sang {target.title} – {minutes_ref}"[:LABEL_MAX]


def propose_reallocation(
    actor: User,
    source: Campaign,
    target: Campaign | None,
    *,
    amount: int,
    minutes_ref: str,
    reason: str,
) -> Reallocation:
    """Record the board's decision to move money; nothing moves until someone else approves."""
    require_role(actor, approvals.PROPOSERS)
    require_unit(actor, source.unit_id)
    target = _check_target(source, target)
    minutes_ref = " ".join((minutes_ref or "").split())
    if not minutes_ref:
        raise DomainError(
            _l("Vui lòng ghi số biên bản hoặc quyết định của Ban điều hành."), field="minutes_ref"
        )
    if len(minutes_ref) > MINUTES_MAX:
        raise DomainError(
            _l("Số biên bản dài tối đa %(max)s ký tự.", max=MINUTES_MAX), field="minutes_ref"
        )
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise DomainError(
            _l("Vui lòng ghi lý do điều chuyển (ít nhất %(n)s ký tự).", n=REASON_MIN),
            field="reason",
        )
    proposal = approvals.propose(
        actor,
        KIND,
        unit_id=source.unit_id,
        source=source.account,
        amount=amount,
        title=f"Điều chuyển sang {target.title}",
        reason=reason,
        public_label=label_for(source, target, minutes_ref),
        payload={"campaign": source.slug, "target": target.slug, "minutes": minutes_ref},
        source_name=source.title,
    )
    move = Reallocation(
        proposal_id=proposal.id,
        source_id=source.id,
        target_id=target.id,
        amount=proposal.amount,
        minutes_ref=minutes_ref,
        reason=reason,
        created_at=utcnow(),
    )
    db.session.add(move)
    db.session.flush()
    record(
        actor,
        "reallocation.propose",
        move,
        _l(
            "Đề xuất điều chuyển %(amount)s từ %(source)s sang %(target)s (%(minutes)s)",
            amount=vnd(move.amount),
            source=source.title,
            target=target.title,
            minutes=minutes_ref,
        ),
        {"proposal": proposal.public_id, "source": source.slug, "target": target.slug},
    )
    cache.clear_after_commit()  # a closed campaign's page now names where its money goes
    return move


def reallocation_for_proposal(proposal: Proposal) -> Reallocation | None:
    """The reallocation a proposal decides (None for other kinds)."""
    return db.session.execute(
        select(Reallocation).where(Reallocation.proposal_id == proposal.id)
    ).scalar_one_or_none()


def execute(proposal: Proposal, approver: User) -> list[LedgerEntry]:
    """On approval: campaign → campaign, if the receiving campaign still takes money."""
    move = reallocation_for_proposal(proposal)
    if move is None or proposal.source != move.source.account:
        raise DomainError(_l("Đề xuất này không gắn với lần điều chuyển nào."))
    _check_target(move.source, move.target)
    posting = ledger.post(
        source=proposal.source,
        destination=move.target.account,
        asset="VND",
        amount=proposal.amount,
        kind="reallocation",
        ref=proposal.public_id,
        idempotency_key=f"realloc:{proposal.public_id}",
        label=proposal.public_label,
        at=posting_time(),
    )
    cache.clear_after_commit()
    return [posting.entry]


def reallocations(campaign: Campaign, statuses=(ProposalStatus.approved,)) -> list[Reallocation]:
    """Reallocations out of or into a campaign with these statuses, oldest first."""
    return list(
        db.session.execute(
            select(Reallocation)
            .join(Proposal, Proposal.id == Reallocation.proposal_id)
            .where(
                or_(Reallocation.source_id == campaign.id, Reallocation.target_id == campaign.id),
                Proposal.status.in_(statuses),
            )
            .options(
                selectinload(Reallocation.source),
                selectinload(Reallocation.target),
                selectinload(Reallocation.proposal),
            )
            .order_by(Reallocation.created_at, Reallocation.id)
        ).scalars()
    )


@dataclass
class Closing:
    """Where a closed campaign's money is: owed to named students, moved, or waiting."""

    balance: int
    owed_to_students: int
    moved: list[Reallocation] = field(default_factory=list)
    planned: list[Reallocation] = field(default_factory=list)
    # Other money out (purchases, works, refunds…) proposed and waiting for approval.
    pending_other: int = 0

    @property
    def awaiting(self) -> int:
        """What no proposal covers yet: it waits for the board's decision."""
        planned = sum(m.amount for m in self.planned)
        return max(self.balance - planned - self.pending_other, 0)


def closing(campaign: Campaign, numbers: figures.Figures, moves: list[Reallocation]) -> Closing:
    """The closing summary of a campaign (`moves`: its approved and waiting reallocations)."""
    out = [m for m in moves if m.source_id == campaign.id]
    planned = [m for m in out if m.status == ProposalStatus.proposed]
    waiting = pending_out([campaign.account]).get(campaign.account, 0)
    return Closing(
        balance=numbers.get("balance"),
        owed_to_students=max(numbers.get("allocated") - numbers.get("handed_over"), 0),
        moved=[m for m in out if m.status == ProposalStatus.approved],
        planned=planned,
        pending_other=max(waiting - sum(m.amount for m in planned), 0),
    )


def available(campaign: Campaign) -> int:
    """The balance that no waiting proposal already claims (the form's suggested amount)."""
    account = campaign.account
    return max(ledger.balance(account) - pending_out([account]).get(account, 0), 0)
