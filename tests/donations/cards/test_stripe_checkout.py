"""Starting card payments: parameters sent to Stripe, and the card-testing controls."""

from __future__ import annotations

import time

import pytest
from flask import render_template

from app.dbtypes import utcnow
from app.extensions import db
from donations.cards.client import from_stripe_amount, to_stripe_amount
from donations.cards.models import CardCheckout, CheckoutStatus
from tests.fixtures.database import fresh
from tests.fixtures.stripe import (
    STRIPE_KEY,
    build_cards_app,
)


def start(client, pledge, ip="203.0.113.7", **data):
    return client.post(
        f"/ung-ho/p/{pledge.reference}/the",
        data={"website": "", **data},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_vnd_is_zero_decimal_and_eight_digits():
    assert to_stripe_amount(50_000) == 50_000  # never ×100
    assert to_stripe_amount(99_999_999) == 99_999_999
    for bad in (0, -1, 100_000_000):
        with pytest.raises(ValueError):
            to_stripe_amount(bad)
    with pytest.raises(TypeError):
        to_stripe_amount(50_000.0)
    assert from_stripe_amount(50_000, "VND") == 50_000
    with pytest.raises(ValueError):
        from_stripe_amount(50_000, "usd")
    with pytest.raises(ValueError):
        from_stripe_amount("50000", "vnd")


def test_one_time_checkout_sends_vnd_amount_and_pledge_ids(cards_client, fake_stripe, make_pledge):
    pledge = make_pledge(amount=250_000)
    response = start(cards_client, pledge)
    assert response.status_code == 303
    assert response.location.startswith("https://checkout.stripe.test/c/pay/cs_test_")
    [params] = fake_stripe.requests
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["line_items[0][price_data][currency]"] == "vnd"
    assert params["line_items[0][price_data][unit_amount]"] == "250000"
    assert params["line_items[0][price_data][product_data][name]"] == pledge.campaign.title
    assert params["line_items[0][quantity]"] == "1"
    assert params["client_reference_id"] == str(pledge.id)
    assert params["metadata[pledge_id]"] == str(pledge.id)
    assert params["metadata[pledge_reference]"] == pledge.reference
    assert params["payment_intent_data[metadata][pledge_id]"] == str(pledge.id)
    assert params["customer_email"] == "nha.hao.tam@example.org"
    assert "{CHECKOUT_SESSION_ID}" in params["success_url"]
    assert pledge.reference in params["cancel_url"]
    lifetime = int(params["expires_at"]) - time.time()
    assert 29 * 60 < lifetime <= 24 * 3600
    assert "subscription_data[metadata][pledge_id]" not in params
    assert fake_stripe.headers[0]["Authorization"] == f"Bearer {STRIPE_KEY}"
    assert fake_stripe.headers[0]["Idempotency-Key"] == f"thapsang-pledge-{pledge.id}-checkout-1"
    [row] = fresh(CardCheckout, pledge_id=pledge.id)
    assert row.status == CheckoutStatus.open and row.amount == 250_000
    assert row.client_ip == "203.0.113.7" and row.mode == "payment"


def test_monthly_checkout_is_a_subscription(cards_client, fake_stripe, make_pledge):
    pledge = make_pledge(amount=200_000, monthly=True)
    assert start(cards_client, pledge).status_code == 303
    [params] = fake_stripe.requests
    assert params["mode"] == "subscription"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert params["line_items[0][price_data][unit_amount]"] == "200000"
    assert params["subscription_data[metadata][pledge_id]"] == str(pledge.id)
    assert "submit_type" not in params
    assert "payment_intent_data[metadata][pledge_id]" not in params


def test_one_open_session_per_pledge(cards_client, fake_stripe, make_pledge):
    pledge = make_pledge()
    first = start(cards_client, pledge)
    second = start(cards_client, pledge, ip="198.51.100.1")
    assert second.status_code == 303 and second.location == first.location
    assert len(fake_stripe.requests) == 1
    assert len(fresh(CardCheckout, pledge_id=pledge.id)) == 1


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (5_000, "tối thiểu là 10.000 ₫"),
        (100_000_000, "tối đa 99.999.999 ₫"),
    ],
)
def test_amount_limits_refused_without_calling_stripe(
    cards_client, fake_stripe, make_pledge, amount, message
):
    pledge = make_pledge(amount=amount)
    response = start(cards_client, pledge)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if amount > 99_999_999:
        assert "chuyển khoản" in page
    assert fake_stripe.requests == []
    assert fresh(CardCheckout) == []


def test_honeypot_refused_without_calling_stripe(cards_client, fake_stripe, make_pledge):
    pledge = make_pledge()
    response = start(cards_client, pledge, website="http://spam.example")
    assert response.status_code == 400
    assert fake_stripe.requests == []
    assert fresh(CardCheckout) == []


def test_ip_burst_refused_without_calling_stripe(cards_client, fake_stripe, make_pledge):
    pledges = [make_pledge(email=f"donor{i}@example.org") for i in range(6)]
    for pledge in pledges[:5]:
        assert start(cards_client, pledge).status_code == 303
    response = start(cards_client, pledges[5])
    assert response.status_code == 429
    assert "quá nhiều phiên thanh toán" in response.get_data(as_text=True)
    assert len(fake_stripe.requests) == 5
    # Another address is not affected.
    assert start(cards_client, pledges[5], ip="198.51.100.9").status_code == 303


def test_email_burst_refused_across_addresses(cards_client, fake_stripe, make_pledge):
    pledges = [make_pledge(email="Same.Donor@example.org") for _ in range(4)]
    for i, pledge in enumerate(pledges[:3]):
        assert start(cards_client, pledge, ip=f"198.51.100.{i + 1}").status_code == 303
    response = start(cards_client, pledges[3], ip="198.51.100.50")
    assert response.status_code == 429
    assert "e-mail" in response.get_data(as_text=True)
    assert len(fake_stripe.requests) == 3


def test_address_with_repeated_failures_is_blocked(cards_client, fake_stripe, make_pledge):
    now = utcnow()
    for i in range(4):
        old = make_pledge(email=f"bot{i}@example.org")
        db.session.add(
            CardCheckout(
                pledge_id=old.id,
                session_id=f"cs_old_{i}",
                mode="payment",
                amount=old.amount,
                status=CheckoutStatus.expired,
                client_ip="192.0.2.66",
                email=old.email,
                created_at=now,
                expires_at=now,
            )
        )
    db.session.commit()
    response = start(cards_client, make_pledge(email="new@example.org"), ip="192.0.2.66")
    assert response.status_code == 429
    assert "không thành công" in response.get_data(as_text=True)
    assert fake_stripe.requests == []


def test_stripe_failure_shows_a_way_out_and_saves_nothing(cards_client, httpserver, make_pledge):
    from tests.fixtures.stripe import FakeStripe

    fake = FakeStripe(httpserver).checkout(status=500)
    pledge = make_pledge()
    response = start(cards_client, pledge)
    assert response.status_code == 502
    page = response.get_data(as_text=True)
    assert "Không mở được trang thanh toán thẻ" in page and "VietQR" in page
    assert len(fake.requests) == 1
    assert fresh(CardCheckout) == []


def test_paid_pledge_cannot_start_again(cards_client, fake_stripe, make_pledge):
    from donations.pledges.models import PledgeStatus

    pledge = make_pledge(status=PledgeStatus.paid, received=250_000)
    response = start(cards_client, pledge)
    assert response.status_code == 400
    assert fake_stripe.requests == []


def test_unknown_pledge_is_404(cards_client, fake_stripe):
    assert cards_client.post("/ung-ho/p/TS0000000X/the").status_code == 404


def test_card_button_hidden_without_secret_key(app, app_settings, cards_app, make_pledge):
    pledge = make_pledge()
    db.session.refresh(pledge)  # loaded here, not from inside the other apps' contexts
    without = build_cards_app(app_settings, STRIPE_SECRET_KEY="")
    with without.test_request_context("/"):
        assert "Thanh toán bằng thẻ" not in render_template(
            "donations/cards/card_button.html", pledge=db.session.merge(pledge)
        )
    with cards_app.test_request_context("/"):
        html = render_template("donations/cards/card_button.html", pledge=db.session.merge(pledge))
        assert "Thanh toán bằng thẻ" in html
        assert f"/ung-ho/p/{pledge.reference}/the" in html
        assert 'name="website"' in html  # the honeypot


def test_card_button_sends_large_gifts_to_bank_transfer(cards_app, make_pledge):
    pledge = make_pledge(amount=150_000_000, method="bank")
    with cards_app.test_request_context("/"):
        html = render_template("donations/cards/card_button.html", pledge=db.session.merge(pledge))
    assert "99.999.999 ₫" in html and "chuyển khoản" in html
    assert "<form" not in html
