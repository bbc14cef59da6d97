"""Stripe webhook: verify the signature on the raw body, then apply each event id once."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import stripe
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from donations.cards import payments, reversals
from donations.cards.models import StripeEvent

# Stripe refuses to sign events older than this, and so do we (replays).
TOLERANCE_SECONDS = 300


class BadWebhook(DomainError):
    """The caller sent something we cannot accept: wrong signature, stale, malformed."""

    status_code = 400


def verify_and_parse(payload: bytes, header: str | None, secret: str) -> dict:
    """The event as a dict, once the signature over the raw bytes checks out."""
    if not header:
        raise BadWebhook(_l("Thiếu chữ ký Stripe-Signature."))
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError as err:
        raise BadWebhook(
            _l("Chữ ký Stripe không hợp lệ hoặc đã quá hạn: %(error)s", error=str(err))
        ) from err
    except UnicodeDecodeError as err:
        raise BadWebhook(_l("Nội dung không phải UTF-8.")) from err
    try:
        event = json.loads(payload)
    except ValueError as err:
        raise BadWebhook(_l("Nội dung không phải JSON hợp lệ.")) from err
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("id"), str)
        or not isinstance(event.get("type"), str)
        or not isinstance(event.get("data"), dict)
        or not isinstance(event["data"].get("object"), dict)
    ):
        raise BadWebhook(_l("Sự kiện Stripe thiếu id, type hoặc data.object."))
    return event


HANDLERS: dict[str, Callable[[dict, datetime], str]] = {
    "checkout.session.completed": payments.session_completed,
    "checkout.session.async_payment_succeeded": payments.session_async_succeeded,
    "checkout.session.async_payment_failed": payments.session_async_failed,
    "checkout.session.expired": payments.session_expired,
    "invoice.paid": payments.invoice_paid,
    "invoice.payment_failed": payments.invoice_payment_failed,
    "customer.subscription.updated": payments.subscription_changed,
    "customer.subscription.deleted": payments.subscription_changed,
    "charge.refunded": reversals.charge_refunded,
    "charge.dispute.created": reversals.dispute_created,
    "charge.dispute.closed": reversals.dispute_closed,
}


def process_event(event: dict) -> str:
    """Store the event id and apply its effect in the same transaction; flushes only.

    Returns a short outcome for the log and the answer. A second delivery of the same id
    does nothing. Effects are keyed by the business object (payment intent, invoice, charge,
    dispute), so two different events about one payment cannot count it twice either.
    """
    seen = db.session.execute(
        select(StripeEvent.id).where(StripeEvent.event_id == event["id"])
    ).scalar_one_or_none()
    if seen is not None:
        return "duplicate"
    obj = event["data"]["object"]
    created = event.get("created") if isinstance(event.get("created"), int) else 0
    row = StripeEvent(
        event_id=event["id"][:255],
        type=event["type"][:80],
        object_id=str(obj.get("id") or "")[:255],
        payload=event,
        created=created,
    )
    db.session.add(row)
    db.session.flush()  # a concurrent twin fails here, on the unique event id
    at = datetime.fromtimestamp(created, UTC) if created else None
    handler = HANDLERS.get(event["type"])
    row.outcome = (handler(obj, at) if handler else "ignored")[:300]
    db.session.flush()
    return row.outcome
