"""Shared pieces for the card, receipt and 'my gifts' tests (this module holds no tests).

Stripe is played by a local HTTP server (pytest-httpserver) that the real `stripe` library
talks to; webhook payloads are signed exactly as Stripe signs them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import date
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select
from werkzeug import Response

from app import create_app
from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.pledges.models import PaymentMethod, Pledge
from donations.pledges.refcode import new_code
from tests.conftest import IsolatedClient

STRIPE_KEY = "sk_test_local_fake"
WHSEC = "whsec_test_local_secret"


def build_cards_app(app_settings: dict, **overrides):
    """An app on the test database with cards on, the Stripe API pointed at `api_base`."""
    other = create_app("test", {**app_settings, **overrides})
    other.test_client_class = IsolatedClient
    return other


@pytest.fixture(scope="module")
def cards_app(app, app_settings, make_httpserver):
    """Cards on: secret key, webhook secret, Stripe's API on the local fake server."""
    return build_cards_app(
        app_settings,
        STRIPE_SECRET_KEY=STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET=WHSEC,
        STRIPE_API_BASE=make_httpserver.url_for("").rstrip("/"),
    )


@pytest.fixture
def cards_client(cards_app):
    """A client of the cards app."""
    return cards_app.test_client()


class FakeStripe:
    """Records every request the fake Stripe API receives, as decoded form parameters."""

    def __init__(self, server) -> None:
        self.server = server
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self.counter = 0

    def checkout(self, *, status: int = 200) -> FakeStripe:
        """Answer POST /v1/checkout/sessions like Stripe (or with an error)."""

        def handler(request):
            self.requests.append(dict(parse_qsl(request.get_data(as_text=True))))
            self.headers.append(dict(request.headers))
            if status != 200:
                body = {"error": {"type": "api_error", "message": "Stripe is down"}}
                return Response(json.dumps(body), status=status, content_type="application/json")
            self.counter += 1
            params = self.requests[-1]
            sid = f"cs_test_{self.counter}_{uuid.uuid4().hex[:8]}"
            body = {
                "id": sid,
                "object": "checkout.session",
                "url": f"https://checkout.stripe.test/c/pay/{sid}",
                "mode": params.get("mode"),
                "expires_at": int(params.get("expires_at", time.time() + 1800)),
                "client_reference_id": params.get("client_reference_id"),
                "amount_total": int(params.get("line_items[0][price_data][unit_amount]", 0)),
                "currency": "vnd",
                "status": "open",
            }
            return Response(json.dumps(body), content_type="application/json")

        self.server.expect_request("/v1/checkout/sessions", method="POST").respond_with_handler(
            handler
        )
        return self


@pytest.fixture
def fake_stripe(httpserver):
    """The fake Stripe API, answering Checkout Session creation."""
    return FakeStripe(httpserver).checkout()


@pytest.fixture
def campaign(units) -> Campaign:
    """A published campaign (committed)."""
    item = Campaign(
        slug="hoc-bong-thu",
        title="Học bổng Thắp sáng ước mơ (thử nghiệm)",
        kind=CampaignKind.scholarship,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def make_pledge(campaign):
    """Factory: a committed pledge of an invented donor."""

    def factory(**values) -> Pledge:
        fields = {
            "reference": new_code(),
            "campaign_id": campaign.id,
            "amount": 250_000,
            "method": PaymentMethod.card,
            "monthly": False,
            "donor_name": "Nguyễn Văn Thử",
            "email": "nha.hao.tam@example.org",
            "show_on_wall": False,
        }
        fields.update(values)
        pledge = Pledge(**fields)
        db.session.add(pledge)
        db.session.commit()
        return pledge

    return factory


def sign(payload: str, secret: str = WHSEC, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`, computed as Stripe does."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    """A Stripe event envelope."""
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def post_event(client, payload: dict | str, header: str | None = "sign"):
    """Deliver a webhook as Stripe does (signed unless a header is given or None)."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    headers = {"Content-Type": "application/json"}
    if header == "sign":
        headers["Stripe-Signature"] = sign(body)
    elif header is not None:
        headers["Stripe-Signature"] = header
    return client.post("/webhooks/stripe", data=body.encode(), headers=headers)


def paid_session(
    pledge: Pledge,
    *,
    session_id: str | None = None,
    amount: int | None = None,
    intent: str | None = None,
    status: str = "paid",
    currency: str = "vnd",
) -> dict:
    """A completed one-time Checkout Session as the webhook carries it."""
    return {
        "id": session_id or f"cs_test_{uuid.uuid4().hex[:10]}",
        "object": "checkout.session",
        "mode": "payment",
        "client_reference_id": str(pledge.id),
        "metadata": {"pledge_id": str(pledge.id), "pledge_reference": pledge.reference},
        "amount_total": pledge.amount if amount is None else amount,
        "currency": currency,
        "payment_status": status,
        "payment_intent": intent or f"pi_{uuid.uuid4().hex[:12]}",
        "status": "complete",
    }


def paid_invoice(
    pledge: Pledge,
    *,
    invoice_id: str | None = None,
    sub: str = "sub_test_1",
    amount: int | None = None,
) -> dict:
    """A paid invoice of a monthly gift (API 2025+: metadata under parent.subscription_details)."""
    return {
        "id": invoice_id or f"in_{uuid.uuid4().hex[:12]}",
        "object": "invoice",
        "amount_paid": pledge.amount if amount is None else amount,
        "currency": "vnd",
        "status": "paid",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {
                "subscription": sub,
                "metadata": {"pledge_id": str(pledge.id), "pledge_reference": pledge.reference},
            },
        },
        "payments": {
            "data": [
                {
                    "payment": {
                        "type": "payment_intent",
                        "payment_intent": f"pi_{uuid.uuid4().hex[:12]}",
                    }
                }
            ]
        },
    }


def charge(
    intent: str,
    *,
    amount: int,
    refunded: int,
    charge_id: str = "ch_test_1",
    refunds: list[dict] | None = None,
    pledge: Pledge | None = None,
) -> dict:
    """A charge as charge.refunded carries it."""
    obj = {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_refunded": refunded,
        "currency": "vnd",
        "payment_intent": intent,
        "refunded": refunded >= amount,
        "metadata": {"pledge_id": str(pledge.id)} if pledge is not None else {},
    }
    if refunds is not None:
        obj["refunds"] = {"object": "list", "data": refunds, "has_more": False}
    return obj


def dispute(
    intent: str,
    *,
    amount: int,
    status: str = "needs_response",
    dispute_id: str = "dp_test_1",
    charge_id: str = "ch_test_1",
) -> dict:
    """A dispute object."""
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "currency": "vnd",
        "charge": charge_id,
        "payment_intent": intent,
        "reason": "fraudulent",
        "status": status,
    }


def fresh(model, **where):
    """Rows as committed by the requests (the test's session may hold stale copies)."""
    db.session.expire_all()
    return db.session.execute(select(model).filter_by(**where)).scalars().all()


def campaign_balance(campaign: Campaign) -> int:
    """The campaign's đồng in the ledger, as committed."""
    db.session.expire_all()
    return ledger.balance(campaign.account, "VND")
