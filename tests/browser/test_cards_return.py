"""Chromium: after Stripe sends the donor back, the page turns to 'received' by itself."""

from __future__ import annotations

import json
import urllib.request

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from donations.cards.models import CardCheckout
from tests.browser.conftest import has_horizontal_scroll
from tests.fixtures.stripe import STRIPE_KEY, WHSEC, event, paid_session, sign

pytestmark = pytest.mark.browser


@pytest.fixture
def cards_on(app, monkeypatch):
    """The live app with the card blueprint and a webhook secret."""
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WHSEC)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", STRIPE_KEY)
    return app


def _deliver(base: str, payload: dict) -> int:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        f"{base}/webhooks/stripe",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body.decode())},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.status


def test_thank_you_page_updates_when_the_webhook_confirms(
    cards_on, phone, live_server, make_pledge
):
    pledge = make_pledge(amount=350_000)
    db.session.add(
        CardCheckout(
            pledge_id=pledge.id,
            session_id="cs_browser_1",
            mode="payment",
            amount=350_000,
            expires_at=utcnow(),
        )
    )
    db.session.commit()
    phone.goto(f"{live_server}/ung-ho/the/cam-on?session_id=cs_browser_1")
    status = phone.get_by_role("status")
    assert "Đang chờ Stripe xác nhận" in status.inner_text()
    assert not has_horizontal_scroll(phone)

    session = paid_session(pledge, session_id="cs_browser_1", intent="pi_browser_1")
    assert _deliver(live_server, event("checkout.session.completed", session)) == 200
    phone.get_by_text("Quỹ đã nhận khoản ủng hộ của bạn").wait_for(state="visible")
    assert not phone.get_by_text("Đang chờ Stripe xác nhận").is_visible()


def test_my_gifts_form_on_a_phone(cards_on, phone, live_server):
    phone.goto(f"{live_server}/qua-cua-toi")
    phone.get_by_label("E-mail bạn đã dùng khi ủng hộ").fill("khong-co@example.com")
    phone.get_by_role("button", name="Gửi đường dẫn cho tôi").click()
    phone.get_by_text("Nếu e-mail này đã dùng để ủng hộ").wait_for()
    assert not has_horizontal_scroll(phone)
