"""What Stripe's payment events do: sessions confirmed, failed or expired; monthly invoices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from donations.cards import fees
from donations.cards.client import from_stripe_amount
from donations.cards.models import CardCheckout, CardGift, CheckoutStatus
from donations.models import Donation
from donations.pledges.models import Pledge
from donations.recording import record_donation


class RetryLater(DomainError):
    """The event refers to something not seen yet; Stripe will deliver it again."""

    status_code = 503


def _id(value: object) -> str | None:
    """A Stripe reference that may come as an id or as an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if isinstance(value, str) and value else None


def _pledge_by_id(raw: object) -> Pledge | None:
    if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()):
        return db.session.get(Pledge, int(raw))
    return None


def pledge_from(obj: dict, *metadata_sources: dict | None) -> Pledge | None:
    """The pledge named by client_reference_id or by pledge_id in any metadata given."""
    pledge = _pledge_by_id(obj.get("client_reference_id"))
    if pledge is not None:
        return pledge
    for meta in (obj.get("metadata"), *metadata_sources):
        if isinstance(meta, dict):
            pledge = _pledge_by_id(meta.get("pledge_id"))
            if pledge is not None:
                return pledge
    return None


def _checkout(session_id: str | None) -> CardCheckout | None:
    if not session_id:
        return None
    return db.session.execute(
        select(CardCheckout).where(CardCheckout.session_id == session_id)
    ).scalar_one_or_none()


def _gift_for(donation: Donation) -> CardGift:
    gift = db.session.execute(
        select(CardGift).where(CardGift.donation_id == donation.id)
    ).scalar_one_or_none()
    if gift is None:
        gift = CardGift(donation_id=donation.id)
        db.session.add(gift)
    return gift


def _fee_facts(intent: str | None, charge: str | None) -> fees.FeeFacts | None:
    """Stripe's fee of the payment, asked before anything is posted (None: already posted)."""
    column, value = (CardGift.payment_intent_id, intent) if intent else (CardGift.charge_id, charge)
    if value:
        known = db.session.execute(
            select(CardGift.fee_status).where(column == value)
        ).scalar_one_or_none()
        if known is not None and known != "pending":
            return None
    return fees.lookup_fee(intent, charge)


def _confirm_payment(session: dict, at: datetime | None) -> str:
    checkout = _checkout(_id(session.get("id")))
    pledge = pledge_from(session) or (checkout.pledge if checkout else None)
    if pledge is None:
        return "ignored: no pledge"
    try:
        amount = from_stripe_amount(session.get("amount_total"), session.get("currency"))
    except ValueError as err:
        return f"ignored: {err}"
    if amount <= 0:
        return "ignored: zero amount"
    intent = _id(session.get("payment_intent"))
    business_id = intent or _id(session.get("id")) or ""
    facts = _fee_facts(intent, None)
    donation, created = record_donation(
        campaign=pledge.campaign,
        amount=amount,
        provider="stripe",
        provider_ref=business_id,
        idempotency_key=f"stripe:{business_id}",
        pledge=pledge,
        received_at=at,
    )
    gift = _gift_for(donation)
    gift.session_id = _id(session.get("id"))
    gift.payment_intent_id = gift.payment_intent_id or intent
    if checkout is not None:
        checkout.payment_intent_id = checkout.payment_intent_id or intent
        checkout.move_to(CheckoutStatus.paid)
    db.session.flush()
    fee = fees.apply_fee(gift, facts, at) if facts is not None else "fee known"
    return f"donation {donation.id} {'recorded' if created else 'already recorded'}, {fee}"


def session_completed(session: dict, at: datetime | None) -> str:
    """The donor finished Checkout; money counts only once it is actually paid."""
    checkout = _checkout(_id(session.get("id")))
    if session.get("mode") == "subscription":
        # The monthly gift started; each invoice.paid (the first included) is the money.
        if checkout is not None:
            checkout.subscription_id = _id(session.get("subscription"))
            checkout.move_to(CheckoutStatus.paid)
        return "subscription started"
    if session.get("payment_status") == "paid":
        return _confirm_payment(session, at)
    if checkout is not None:
        checkout.move_to(CheckoutStatus.processing)
    return "waiting for asynchronous payment"


def session_async_succeeded(session: dict, at: datetime | None) -> str:
    """A delayed payment method (bank debit…) settled."""
    return _confirm_payment(session, at)


def session_async_failed(session: dict, at: datetime | None) -> str:
    """A delayed payment failed: nothing was received."""
    checkout = _checkout(_id(session.get("id")))
    if checkout is not None:
        checkout.move_to(CheckoutStatus.failed)
    return "payment failed"


def session_expired(session: dict, at: datetime | None) -> str:
    """The donor never finished; the pledge stays open for a transfer or a new attempt."""
    checkout = _checkout(_id(session.get("id")))
    if checkout is not None:
        checkout.move_to(CheckoutStatus.expired)
    return "session expired"


def _invoice_subscription(invoice: dict) -> tuple[str | None, list[dict]]:
    """Subscription id and the metadata dicts an invoice may carry (placement varies by API)."""
    metas: list[dict] = []
    sub = _id(invoice.get("subscription"))
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or invoice.get("subscription_details") or {}
    if isinstance(details, dict):
        sub = sub or _id(details.get("subscription"))
        if isinstance(details.get("metadata"), dict):
            metas.append(details["metadata"])
    for line in (invoice.get("lines") or {}).get("data") or []:
        if isinstance(line, dict) and isinstance(line.get("metadata"), dict):
            metas.append(line["metadata"])
    return sub, metas


def _invoice_intent_and_charge(invoice: dict) -> tuple[str | None, str | None]:
    intent, charge = _id(invoice.get("payment_intent")), _id(invoice.get("charge"))
    for item in (invoice.get("payments") or {}).get("data") or []:
        payment = (item or {}).get("payment") or {}
        intent = intent or _id(payment.get("payment_intent"))
        charge = charge or _id(payment.get("charge"))
    return intent, charge


def invoice_paid(invoice: dict, at: datetime | None) -> str:
    """One donation per paid invoice of a monthly gift, the first one included."""
    invoice_id = _id(invoice.get("id"))
    sub, metas = _invoice_subscription(invoice)
    pledge = pledge_from({"metadata": invoice.get("metadata")}, *metas)
    if pledge is None and sub:
        checkout = db.session.execute(
            select(CardCheckout).where(CardCheckout.subscription_id == sub)
        ).scalar_one_or_none()
        pledge = checkout.pledge if checkout else None
    if pledge is None or not invoice_id:
        return "ignored: no pledge"
    try:
        amount = from_stripe_amount(invoice.get("amount_paid"), invoice.get("currency"))
    except ValueError as err:
        return f"ignored: {err}"
    if amount <= 0:
        return "ignored: nothing paid"
    intent, charge = _invoice_intent_and_charge(invoice)
    facts = _fee_facts(intent, charge)
    donation, created = record_donation(
        campaign=pledge.campaign,
        amount=amount,
        provider="stripe",
        provider_ref=invoice_id,
        idempotency_key=f"stripe:{invoice_id}",
        pledge=pledge,
        received_at=at,
    )
    gift = _gift_for(donation)
    gift.invoice_id = invoice_id
    gift.subscription_id = sub
    gift.payment_intent_id = gift.payment_intent_id or intent
    gift.charge_id = gift.charge_id or charge
    db.session.flush()
    fee = fees.apply_fee(gift, facts, at) if facts is not None else "fee known"
    return f"donation {donation.id} {'recorded' if created else 'already recorded'}, {fee}"


def invoice_payment_failed(invoice: dict, at: datetime | None) -> str:
    """A monthly charge failed; Stripe retries it by itself, nothing was received."""
    return "monthly payment failed"


def subscription_changed(subscription: dict, at: datetime | None) -> str:
    """A monthly gift was cancelled (by the donor, the fund, or failed payments)."""
    if subscription.get("status") not in ("canceled", "incomplete_expired"):
        return f"subscription {subscription.get('status')}"
    sub = _id(subscription.get("id"))
    rows = db.session.execute(select(CardCheckout).where(CardCheckout.subscription_id == sub))
    for checkout in rows.scalars():
        checkout.move_to(CheckoutStatus.cancelled)
    return "subscription cancelled"
