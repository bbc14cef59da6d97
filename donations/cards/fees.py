"""Stripe's fee on each card payment, posted `campaign → fees:stripe`, and what Stripe gives
back of it on a refund (`fees:stripe → campaign`).

The fee is read from the charge's balance transaction through Stripe's API. Fees are facts
Stripe reports, not decisions: no proposal, but each one is an audited ledger entry with a
public label. VND is zero-decimal for Stripe: the fee is đồng as it stands. When Stripe cannot
be reached the gift keeps `fee_status = pending` and `flask cards fetch-fees` (or the button on
the card back office) tries again; the posting key (the charge id) makes a retry count once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import stripe
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import stored_text
from app.audit import service as audit
from app.extensions import db
from app.ledger import service as ledger
from donations.cards.client import card_enabled, client, from_stripe_amount
from donations.cards.models import CardGift

log = logging.getLogger(__name__)

FEES_ACCOUNT = "fees:stripe"
# Why a fee still waits (fee_note), shown in the reader's language on the card back office.
WAIT_REASONS = {
    "unconfigured": _l("Chưa cấu hình Stripe"),
    "unreachable": _l("Chưa liên lạc được Stripe"),
    "not_ready": _l("Stripe chưa có giao dịch số dư"),
    "currency": _l("Số dư Stripe không tính bằng đồng"),
    "short": _l("Chiến dịch không đủ số dư để ghi phí"),
    "no_charge": _l("Chưa biết mã giao dịch thẻ"),
}


def _reference(gift: CardGift) -> str:
    donation = gift.donation
    return (donation.pledge.reference if donation.pledge else donation.provider_ref)[:80]


def fee_label(reference: str) -> str:
    """The public label of a fee entry (a statement line, in Vietnamese like every label)."""
    return f"Phí thanh toán thẻ – {reference}"


def fee_return_label(reference: str) -> str:
    """The public label of a fee Stripe gave back on a refund."""
    return f"Stripe hoàn phí thẻ – {reference}"


def record_fee(gift: CardGift, *, charge_id: str, fee: int, at: datetime | None = None) -> None:
    """Post the fee of a gift's charge once (keyed by the charge id); flushes."""
    if gift.fee_status == "posted":
        return
    gift.charge_id = gift.charge_id or charge_id
    if fee <= 0:
        gift.fee, gift.fee_status, gift.fee_note = 0, "none", ""
        return
    reference = _reference(gift)
    try:
        posting = ledger.post(
            source=gift.donation.campaign.account,
            destination=FEES_ACCOUNT,
            asset="VND",
            amount=fee,
            kind="fee",
            ref=reference,
            idempotency_key=f"stripe:fee:{charge_id}",
            label=fee_label(reference),
            at=at,
        )
    except ledger.InsufficientFunds:
        # The gift was spent before its fee could be posted: a treasurer frees funds, retries.
        gift.fee, gift.fee_status, gift.fee_note = fee, "pending", "short"
        return
    gift.fee, gift.fee_seq, gift.fee_status, gift.fee_note = fee, posting.entry.seq, "posted", ""
    db.session.flush()
    audit.record(
        None,
        "stripe.fee",
        gift.donation,
        _l(
            "Phí thanh toán thẻ %(amount)s của %(ref)s (bút toán #%(seq)s)",
            amount=stored_text.vnd(fee),
            ref=reference,
            seq=posting.entry.seq,
        ),
        {"charge": charge_id, "fee": fee},
    )


def _as_dict(obj) -> dict:
    if obj is None:
        return {}
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


@dataclass(frozen=True)
class FeeFacts:
    """What Stripe says of a charge's fee, or why it could not say (`wait`)."""

    charge_id: str | None = None
    fee: int | None = None
    wait: str = ""


def lookup_fee(intent_id: str | None, charge_id: str | None) -> FeeFacts:
    """Ask Stripe for a charge's balance transaction (an HTTP call: never under the chain
    lock, which would hold every other posting while Stripe answers)."""
    if not card_enabled():
        return FeeFacts(charge_id, wait="unconfigured")
    api = client().v1
    try:
        if intent_id:
            intent = api.payment_intents.retrieve(
                intent_id, params={"expand": ["latest_charge.balance_transaction"]}
            )
            charge = _as_dict(intent).get("latest_charge")
        elif charge_id:
            charge = _as_dict(
                api.charges.retrieve(charge_id, params={"expand": ["balance_transaction"]})
            )
        else:
            return FeeFacts(wait="no_charge")
    except stripe.StripeError as err:
        log.warning("Stripe fee of %s not fetched: %s", intent_id or charge_id, err)
        return FeeFacts(charge_id, wait="unreachable")
    if not isinstance(charge, dict) or not isinstance(charge.get("id"), str):
        return FeeFacts(charge_id, wait="no_charge")
    balance = charge.get("balance_transaction")
    if not isinstance(balance, dict):
        return FeeFacts(charge["id"], wait="not_ready")
    try:
        fee = from_stripe_amount(balance.get("fee"), balance.get("currency"))
    except ValueError:
        return FeeFacts(charge["id"], wait="currency")
    return FeeFacts(charge["id"], fee)


def apply_fee(gift: CardGift, facts: FeeFacts, at: datetime | None = None) -> str:
    """Post the fee Stripe reported for the gift, or note why it waits; a short outcome."""
    if gift.fee_status != "pending":
        return f"fee {gift.fee_status}"
    if facts.fee is None:
        gift.charge_id = gift.charge_id or facts.charge_id
        gift.fee_note = facts.wait
        return f"fee pending: {facts.wait}"
    record_fee(gift, charge_id=facts.charge_id or "", fee=facts.fee, at=at)
    return f"fee {gift.fee_status} {gift.fee}"


def lookup_returns(charge_id: str | None) -> list[tuple[str, int]]:
    """(refund id, fee given back) for each refund of the charge where Stripe gave some back."""
    if not charge_id or not card_enabled():
        return []
    try:
        refunds = client().v1.refunds.list(
            params={"charge": charge_id, "expand": ["data.balance_transaction"]}
        )
    except stripe.StripeError as err:
        log.warning("Stripe refunds of %s not listed: %s", charge_id, err)
        return []
    out = []
    for refund in _as_dict(refunds).get("data") or []:
        balance = refund.get("balance_transaction") if isinstance(refund, dict) else None
        if not isinstance(balance, dict) or refund.get("status") not in ("succeeded", "pending"):
            continue
        try:
            fee = from_stripe_amount(balance.get("fee"), balance.get("currency"))
        except ValueError:
            continue
        if fee < 0:  # usually Stripe keeps its fee: then the refund's fee is 0
            out.append((str(refund.get("id")), -fee))
    return out


def apply_returns(gift: CardGift, returns: list[tuple[str, int]], at=None) -> int:
    """Post `fees:stripe → campaign` once per refund id; returns the đồng newly posted."""
    reference = _reference(gift)
    posted = 0
    for refund_id, amount in returns:
        try:
            posting = ledger.post(
                source=FEES_ACCOUNT,
                destination=gift.donation.campaign.account,
                asset="VND",
                amount=amount,
                kind="fee",
                ref=reference,
                idempotency_key=f"stripe:fee-return:{refund_id}",
                label=fee_return_label(reference),
                at=at,
            )
        except ledger.InsufficientFunds:
            continue  # no fee was ever posted for it: nothing to give back
        if not posting.created:
            continue
        gift.fee_returned += amount
        posted += amount
        audit.record(
            None,
            "stripe.fee_return",
            gift.donation,
            _l(
                "Stripe hoàn phí thẻ %(amount)s của %(ref)s (bút toán #%(seq)s)",
                amount=stored_text.vnd(amount),
                ref=reference,
                seq=posting.entry.seq,
            ),
            {"refund": refund_id, "fee_returned": amount},
        )
    db.session.flush()
    return posted


def waiting_gifts() -> list[CardGift]:
    """Gifts whose fee is not posted yet (Stripe did not answer when the money came)."""
    return list(
        db.session.execute(
            select(CardGift).where(CardGift.fee_status == "pending").order_by(CardGift.id)
        ).scalars()
    )


def _refunded_without_return() -> list[CardGift]:
    """Refunded gifts whose fee may have come back (asked again: keys make it count once)."""
    return list(
        db.session.execute(
            select(CardGift)
            .where(
                CardGift.refunded > 0, CardGift.fee_returned == 0, CardGift.fee_status == "posted"
            )
            .order_by(CardGift.id)
        ).scalars()
    )


def fetch_waiting(actor=None) -> tuple[int, int]:
    """Ask Stripe about every waiting fee and fee return, then post; (fees, returns) posted.

    Stripe is asked first, without any lock; the postings come after, keyed so that a webhook
    posting the same fee meanwhile counts once.
    """
    pending, refunded = waiting_gifts(), _refunded_without_return()
    facts = {gift.id: lookup_fee(gift.payment_intent_id, gift.charge_id) for gift in pending}
    returns_of = {gift.id: lookup_returns(gift.charge_id) for gift in refunded}
    ledger.lock()
    fees = returns = 0
    for gift in pending:
        db.session.refresh(gift)
        if gift.fee_status == "pending":
            apply_fee(gift, facts[gift.id])
            fees += gift.fee_status == "posted"
    for gift in refunded:
        returns += bool(apply_returns(gift, returns_of[gift.id]))
    db.session.flush()
    audit.record(
        actor,
        "stripe.fetch_fees",
        None,
        _l("Lấy phí thẻ từ Stripe: %(fees)s phí, %(returns)s hoàn phí", fees=fees, returns=returns),
    )
    return fees, returns
