"""Demo data for card payments: a paid card gift and a refunded one, their Stripe fees and
receipts.

Idempotent: pledges and Checkout Sessions are looked up by fixed keys, and the payments go
through the real webhook handler as Stripe events with fixed ids and times, which it applies
once. The receipt e-mails are queued in the outbox for `flask mail send-pending`, never sent
by the seeder. Every person here is invented.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app import mail
from app.extensions import db
from donations.cards import fees
from donations.cards.models import CardCheckout, CardGift, CheckoutStatus
from donations.cards.webhook import process_event
from donations.pledges.demo import demo_campaign
from donations.pledges.models import PaymentMethod, Pledge, PledgeStatus
from donations.pledges.refcode import PREFIX, check_char

BASE = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
# body, amount, donor, refunded, Stripe's fee (from the charge's balance transaction)
CARD_PLEDGES = [
    ("DEM0C01", 300_000, "Chị Lan (Hà Nội)", False, 11_700),
    ("DEM0C02", 150_000, "Anh Tuấn", True, 5_850),
]


def _ref(body: str) -> str:
    return PREFIX + body + check_char(body)


def _event(event_id: str, kind: str, obj: dict, at: datetime) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": int(at.timestamp()),
        "livemode": False,
        "data": {"object": obj},
    }


def seed(echo: Callable[[str], None]) -> None:
    """Create the card demo rows once; flushes, the caller commits."""
    campaign = demo_campaign()
    if campaign is None:
        echo("cards: no published campaign, demo card gifts skipped")
        return
    with mail.batch_only():
        for i, (body, amount, donor, refunded, fee) in enumerate(CARD_PLEDGES):
            _seed_one(campaign, i, body, amount, donor, refunded, fee)
    db.session.flush()
    echo("cards: demo card gifts (one refunded), their fees and receipts ready")


def _seed_one(
    campaign, i: int, body: str, amount: int, donor: str, refunded: bool, fee: int
) -> None:
    reference = _ref(body)
    created = BASE + timedelta(days=i)
    pledge = db.session.execute(
        select(Pledge).where(Pledge.reference == reference)
    ).scalar_one_or_none()
    if pledge is None:
        pledge = Pledge(
            reference=reference,
            campaign_id=campaign.id,
            amount=amount,
            method=PaymentMethod.card,
            monthly=False,
            status=PledgeStatus.pending,
            received=0,
            donor_name=donor,
            anonymous=False,
            show_on_wall=True,
            email=f"the{i + 1}@nhahaotam.example",
            created_at=created,
            expires_at=created + timedelta(days=7),
        )
        db.session.add(pledge)
        db.session.flush()
    session_id = f"cs_demo_{body.lower()}"
    intent = f"pi_demo_{body.lower()}"
    if (
        db.session.execute(
            select(CardCheckout.id).where(CardCheckout.session_id == session_id)
        ).first()
        is None
    ):
        db.session.add(
            CardCheckout(
                pledge_id=pledge.id,
                session_id=session_id,
                mode="payment",
                amount=amount,
                currency="vnd",
                status=CheckoutStatus.open,
                url="",
                client_ip="203.0.113.10",
                email=pledge.email,
                created_at=created,
                expires_at=created + timedelta(minutes=30),
            )
        )
        db.session.flush()
    metadata = {"pledge_id": str(pledge.id), "pledge_reference": reference}
    process_event(
        _event(
            f"evt_demo_{body.lower()}_paid",
            "checkout.session.completed",
            {
                "id": session_id,
                "object": "checkout.session",
                "mode": "payment",
                "client_reference_id": str(pledge.id),
                "metadata": metadata,
                "amount_total": amount,
                "currency": "vnd",
                "payment_status": "paid",
                "payment_intent": intent,
                "status": "complete",
            },
            created + timedelta(minutes=3),
        )
    )
    # Without Stripe keys nobody can be asked: the fee is the one its balance transaction gave.
    gift = db.session.execute(
        select(CardGift).where(CardGift.payment_intent_id == intent)
    ).scalar_one()
    fees.record_fee(
        gift, charge_id=f"ch_demo_{body.lower()}", fee=fee, at=created + timedelta(minutes=3)
    )
    if refunded:
        process_event(
            _event(
                f"evt_demo_{body.lower()}_refund",
                "charge.refunded",
                {
                    "id": f"ch_demo_{body.lower()}",
                    "object": "charge",
                    "amount": amount,
                    "amount_refunded": amount,
                    "currency": "vnd",
                    "payment_intent": intent,
                    "refunded": True,
                    "metadata": metadata,
                },
                created + timedelta(days=2),
            )
        )
