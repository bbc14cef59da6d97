"""Refunds and disputes of card gifts: money going back out, as reversing ledger entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit import service as audit
from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.cards import fees
from donations.cards.client import from_stripe_amount
from donations.cards.models import CardGift, CardReversal
from donations.cards.payments import RetryLater, _id
from donations.models import Donation
from donations.recording import adjust_pledge

# What a list row of gifts or reversals shows: the donation, its pledge and campaign (loaded
# for the whole page at once, not once per row).
_DONATION = (selectinload(Donation.pledge), selectinload(Donation.campaign))
DONATION_ROW = tuple(selectinload(CardGift.donation).options(o) for o in _DONATION)
REVERSAL_ROW = (selectinload(CardReversal.gift).options(*DONATION_ROW),)


def find_gift(obj: dict) -> CardGift | None:
    """The card gift a charge or dispute is about, by charge, payment intent or invoice id."""
    charge = _id(obj.get("charge")) if obj.get("object") == "dispute" else _id(obj.get("id"))
    intent = _id(obj.get("payment_intent"))
    invoice = _id(obj.get("invoice"))
    for column, value in (
        (CardGift.charge_id, charge),
        (CardGift.payment_intent_id, intent),
        (CardGift.invoice_id, invoice),
    ):
        if value:
            gift = db.session.execute(select(CardGift).where(column == value)).scalar_one_or_none()
            if gift is not None:
                if charge and gift.charge_id is None:
                    gift.charge_id = charge
                return gift
    return None


def _adjust_pledge(gift: CardGift, change: int) -> None:
    """Move the gift's pledge by `change` đồng (see recording.adjust_pledge)."""
    adjust_pledge(gift.donation.pledge, change)


def _missing_gift(obj: dict) -> str:
    """A reversal for a payment not confirmed yet: retry if it is ours, ignore otherwise."""
    if isinstance(obj.get("metadata"), dict) and obj["metadata"].get("pledge_id"):
        raise RetryLater(_l("Chưa ghi nhận khoản thanh toán gốc; Stripe sẽ gửi lại sự kiện này."))
    return "ignored: not a gift of ours"


def _post_out(gift: CardGift, reversal: CardReversal, kind: str, at: datetime | None) -> None:
    """Post campaign → world for a reversal; a campaign without the money blocks it visibly."""
    donation = gift.donation
    ref = donation.pledge.reference if donation.pledge is not None else donation.provider_ref
    try:
        posting = ledger.post(
            source=donation.campaign.account,
            destination=ledger.WORLD,
            asset="VND",
            amount=reversal.amount,
            kind=kind,
            ref=ref[:80],
            idempotency_key=f"stripe:{kind}:{reversal.stripe_id}",
            at=at,
        )
    except ledger.InsufficientFunds as err:
        # The money already left the bank; a treasurer must free funds (reallocate) and then
        # run `flask cards post-blocked` (or use the back-office card page). Stripe is answered 200: a retry cannot help.
        reversal.status = "blocked"
        reversal.set_note(err.args[0])
        return
    reversal.status = "posted"
    reversal.ledger_seq = posting.entry.seq


def charge_refunded(charge: dict, at: datetime | None) -> str:
    """A full or partial refund; posts what was refunded beyond what is already posted.

    Keyed by the charge and its cumulative refunded amount, so events with or without the
    list of refunds, in any order, never count one refund twice.
    """
    gift = find_gift(charge)
    if gift is None:
        return _missing_gift(charge)
    # Asked before anything is posted: no HTTP call while the ledger's chain lock is held.
    fee_returns = fees.lookup_returns(gift.charge_id or _id(charge.get("id")))
    try:
        total = from_stripe_amount(charge.get("amount_refunded"), charge.get("currency"))
    except ValueError as err:
        return f"ignored: {err}"
    listed = [
        r
        for r in (charge.get("refunds") or {}).get("data") or []
        if isinstance(r, dict) and r.get("status") in ("succeeded", "pending")
    ]
    total = max(
        total, sum(r.get("amount") or 0 for r in listed if isinstance(r.get("amount"), int))
    )
    total = min(total, gift.donation.amount)
    # int(): PostgreSQL sums a BigInteger as NUMERIC; the ledger takes only int.
    already = int(
        db.session.execute(
            select(func.coalesce(func.sum(CardReversal.amount), 0)).where(
                CardReversal.gift_id == gift.id, CardReversal.kind == "refund"
            )
        ).scalar_one()
    )
    delta = total - already
    returned = fees.apply_returns(gift, fee_returns, at)
    if delta <= 0:
        return "refund already recorded" + (f", fee returned {returned}" if returned else "")
    reversal = CardReversal(
        kind="refund",
        stripe_id=f"{gift.charge_id or _id(charge.get('id'))}:{total}",
        gift=gift,
        amount=delta,
        note=", ".join(str(r.get("id")) for r in listed)[:300],
    )
    db.session.add(reversal)
    _post_out(gift, reversal, "refund", at)
    gift.refunded = total
    _adjust_pledge(gift, -delta)
    db.session.flush()
    audit.record(
        None,
        "stripe.refund",
        gift.donation,
        _l("Hoàn tiền thẻ %(amount)s ₫ (%(status)s)", amount=delta, status=reversal.status),
        {"charge": gift.charge_id, "refunded_total": total},
    )
    return f"refund {delta} {reversal.status}" + (f", fee returned {returned}" if returned else "")


def _dispute(dispute: dict) -> CardReversal | None:
    return db.session.execute(
        select(CardReversal).where(
            CardReversal.kind == "chargeback", CardReversal.stripe_id == _id(dispute.get("id"))
        )
    ).scalar_one_or_none()


def _open_dispute(gift: CardGift, dispute: dict, at: datetime | None) -> CardReversal | str:
    try:
        amount = from_stripe_amount(dispute.get("amount"), dispute.get("currency"))
    except ValueError as err:
        return f"ignored: {err}"
    reversal = CardReversal(
        kind="chargeback",
        stripe_id=_id(dispute.get("id")) or "",
        gift=gift,
        amount=min(amount, gift.donation.amount),
        note=str(dispute.get("reason") or "")[:300],
    )
    db.session.add(reversal)
    _post_out(gift, reversal, "chargeback", at)
    gift.disputed = reversal.amount
    _adjust_pledge(gift, -reversal.amount)
    db.session.flush()
    audit.record(
        None,
        "stripe.dispute",
        gift.donation,
        _l(
            "Khiếu nại thẻ %(amount)s ₫ (%(status)s)",
            amount=reversal.amount,
            status=reversal.status,
        ),
        {"dispute": reversal.stripe_id, "reason": reversal.note},
    )
    return reversal


def dispute_created(dispute: dict, at: datetime | None) -> str:
    """The cardholder's bank took the money back: post a chargeback at once."""
    if _dispute(dispute) is not None:
        return "dispute already recorded"
    gift = find_gift(dispute)
    if gift is None:
        return _missing_gift(dispute)
    result = _open_dispute(gift, dispute, at)
    return result if isinstance(result, str) else f"chargeback {result.amount} {result.status}"


def dispute_closed(dispute: dict, at: datetime | None) -> str:
    """Won: the money comes back (reverse the chargeback). Lost: the chargeback stands."""
    reversal = _dispute(dispute)
    won = dispute.get("status") == "won"
    if reversal is None:
        gift = find_gift(dispute)
        if gift is None:
            return _missing_gift(dispute)
        if won:
            # Closed before we saw it open: nothing left the fund, record that it was won.
            raw = dispute.get("amount")
            amount = raw if isinstance(raw, int) else 0
            db.session.add(
                CardReversal(
                    kind="chargeback",
                    stripe_id=_id(dispute.get("id")) or "",
                    gift=gift,
                    amount=max(amount, 1),
                    status="won",
                )
            )
            return "dispute won"
        result = _open_dispute(gift, dispute, at)
        return result if isinstance(result, str) else f"dispute lost {result.status}"
    if not won or reversal.status == "won":
        return f"dispute {dispute.get('status')}"
    if reversal.status == "posted" and reversal.ledger_seq is not None:
        entry = db.session.get_one(LedgerEntry, reversal.ledger_seq)
        posting = ledger.reverse(entry, idempotency_key=f"stripe:dispute-won:{reversal.stripe_id}")
        reversal.reversal_seq = posting.entry.seq
    reversal.status = "won"
    reversal.gift.disputed = 0
    _adjust_pledge(reversal.gift, reversal.amount)
    db.session.flush()
    audit.record(None, "stripe.dispute_won", reversal.gift.donation, _l("Thắng khiếu nại thẻ"))
    return "dispute won"


@dataclass(frozen=True)
class BlockedResult:
    """What posting the blocked reversals did."""

    posted: int
    waiting: int


def blocked_reversals() -> list[CardReversal]:
    """Refunds and chargebacks that wait for their campaign to have the money again."""
    return list(
        db.session.execute(
            select(CardReversal)
            .where(CardReversal.status == "blocked")
            .options(*REVERSAL_ROW)
            .order_by(CardReversal.id)
            .execution_options(populate_existing=True)
        ).scalars()
    )


def post_blocked(actor=None, reversal_ids: list[int] | None = None) -> BlockedResult:
    """Post blocked reversals whose campaign now has the funds (all, or those named); flushes.

    Each one posted is audited; one still short of money stays blocked with the reason.
    """
    ledger.lock()  # a colleague posting the same one now has committed it, or waits for us
    rows = blocked_reversals()
    if reversal_ids is not None:
        wanted = set(reversal_ids)
        rows = [row for row in rows if row.id in wanted]
        if not rows:
            raise DomainError(_l("Khoản hoàn tiền này không còn chờ ghi sổ."))
    posted = waiting = 0
    for reversal in rows:
        _post_out(reversal.gift, reversal, reversal.kind, None)
        if reversal.status == "posted":
            posted += 1
            audit.record(
                actor,
                "stripe.post_blocked",
                reversal.gift.donation,
                _l(
                    "Ghi sổ khoản %(kind)s %(amount)s ₫ đã chờ (bút toán %(seq)s)",
                    kind=reversal.kind,
                    amount=reversal.amount,
                    seq=reversal.ledger_seq,
                ),
                {"reversal": reversal.id, "status": ["blocked", "posted"]},
            )
        else:
            waiting += 1
    db.session.flush()
    return BlockedResult(posted, waiting)
