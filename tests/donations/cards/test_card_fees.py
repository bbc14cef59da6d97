"""Stripe's fee on each card payment: read from the balance transaction through the real
`stripe` library (the fake server plays Stripe), posted campaign → fees:stripe once, given back
on a refund where Stripe returns it, and shown per payment on the card back office."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from campaigns.figures import campaign_figures
from donations.cards.models import CardGift
from tests.conftest import login
from tests.fixtures.database import fresh
from tests.fixtures.stripe import (
    FakeStripe,
    campaign_balance,
    charge,
    event,
    paid_invoice,
    paid_session,
    post_event,
)


@pytest.fixture(autouse=True)
def _stripe_forgets_these_answers(httpserver):
    """The fake server outlives the test: later tests must not meet these fees."""
    yield
    httpserver.clear()


def _entries(kind: str) -> list[LedgerEntry]:
    db.session.expire_all()
    return list(
        db.session.execute(
            select(LedgerEntry).where(LedgerEntry.kind == kind).order_by(LedgerEntry.seq)
        ).scalars()
    )


def test_the_fee_of_a_paid_session_is_posted_once(cards_client, httpserver, make_pledge, campaign):
    fake = FakeStripe(httpserver).fees(fee=9_750, charge_id="ch_fee_1")
    pledge = make_pledge(amount=300_000)
    payload = event("checkout.session.completed", paid_session(pledge, intent="pi_fee_1"))
    answer = post_event(cards_client, payload)
    assert answer.status_code == 200 and "fee posted 9750" in answer.json["outcome"]
    # The same payment told again (another event) asks nothing and posts nothing more.
    again = event(
        "checkout.session.async_payment_succeeded", paid_session(pledge, intent="pi_fee_1")
    )
    assert post_event(cards_client, again).status_code == 200

    [fee] = _entries("fee")
    assert (fee.source, fee.destination, fee.amount) == (campaign.account, "fees:stripe", 9_750)
    assert fee.idempotency_key == "stripe:fee:ch_fee_1" and fee.ref == pledge.reference
    assert fee.label == f"Phí thanh toán thẻ – {pledge.reference}"
    assert campaign_balance(campaign) == 300_000 - 9_750
    assert campaign_figures(campaign.account).fees == {"VND": 9_750}
    [gift] = fresh(CardGift)
    assert (gift.fee, gift.fee_status, gift.fee_seq, gift.charge_id) == (
        9_750,
        "posted",
        fee.seq,
        "ch_fee_1",
    )
    # VND is zero-decimal and the balance transaction came expanded from the payment intent.
    assert fake.paths == [
        "/v1/payment_intents/pi_fee_1?expand[0]=latest_charge.balance_transaction"
    ]
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "stripe.fee")
    ).scalar_one()
    assert "9.750" in audit.summary and pledge.reference in audit.summary


def test_a_monthly_invoice_has_its_fee_too(cards_client, httpserver, make_pledge, campaign):
    FakeStripe(httpserver).fees(fee=5_000, charge_id="ch_month_1")
    pledge = make_pledge(amount=200_000, monthly=True)
    post_event(cards_client, event("invoice.paid", paid_invoice(pledge, invoice_id="in_fee_1")))
    [fee] = _entries("fee")
    assert fee.amount == 5_000 and fee.idempotency_key == "stripe:fee:ch_month_1"
    assert campaign_balance(campaign) == 195_000


def test_stripe_down_keeps_the_gift_and_the_fee_waits_for_a_retry(
    cards_app, cards_client, httpserver, make_pledge, campaign, make_user
):
    FakeStripe(httpserver).fees(status=500)
    pledge = make_pledge(amount=300_000)
    answer = post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, intent="pi_down"))
    )
    assert answer.status_code == 200 and "fee pending: unreachable" in answer.json["outcome"]
    assert campaign_balance(campaign) == 300_000 and _entries("fee") == []
    [gift] = fresh(CardGift)
    assert (gift.fee_status, gift.fee_note) == ("pending", "unreachable")

    # The card back office says so and offers the retry; the treasurer asks once Stripe is up.
    login(cards_client, make_user("treasurer"))
    page = cards_client.get("/quan-tri/ung-ho/the").get_data(as_text=True)
    assert "Chưa liên lạc được Stripe" in page and "Lấy phí từ Stripe" in page
    httpserver.clear()
    FakeStripe(httpserver).fees(fee=11_000, charge_id="ch_up")
    done = cards_client.post("/quan-tri/ung-ho/the/lay-phi", follow_redirects=True)
    assert "Đã ghi 1 khoản phí" in done.get_data(as_text=True)
    again = cards_app.test_cli_runner().invoke(args=["cards", "fetch-fees"])
    assert again.exit_code == 0 and "Đã ghi 0 khoản phí" in again.output, again.output
    [fee] = _entries("fee")
    assert fee.amount == 11_000 and fee.idempotency_key == "stripe:fee:ch_up"
    assert campaign_balance(campaign) == 289_000


def test_no_balance_transaction_yet_or_another_currency_waits(
    cards_client, httpserver, make_pledge, campaign
):
    FakeStripe(httpserver).fees(fee=None)
    pledge = make_pledge()
    post_event(cards_client, event("checkout.session.completed", paid_session(pledge)))
    assert fresh(CardGift)[0].fee_note == "not_ready"
    httpserver.clear()
    FakeStripe(httpserver).fees(fee=300, currency="usd", charge_id="ch_usd")
    other = make_pledge()
    post_event(cards_client, event("checkout.session.completed", paid_session(other)))
    notes = {gift.fee_note for gift in fresh(CardGift)}
    assert notes == {"not_ready", "currency"} and _entries("fee") == []


def test_a_refund_where_stripe_returns_its_fee_posts_it_back(
    cards_client, httpserver, make_pledge, campaign
):
    FakeStripe(httpserver).fees(fee=9_000, charge_id="ch_back", refund_fee=9_000)
    pledge = make_pledge(amount=300_000)
    post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, intent="pi_back"))
    )
    refunded = charge("pi_back", amount=300_000, refunded=300_000, charge_id="ch_back")
    answer = post_event(cards_client, event("charge.refunded", refunded))
    assert "fee returned 9000" in answer.json["outcome"]
    # Told again: the refund and the fee coming back are each posted once.
    post_event(cards_client, event("charge.refunded", refunded))
    fee, back = _entries("fee")
    assert (back.source, back.destination, back.amount) == ("fees:stripe", campaign.account, 9_000)
    assert back.idempotency_key == "stripe:fee-return:re_fee_1"
    assert back.label == f"Stripe hoàn phí thẻ – {pledge.reference}"
    db.session.expire_all()
    assert campaign_figures(campaign.account).fees == {}
    assert campaign_balance(campaign) == 0 and ledger.balance("fees:stripe") == 0
    assert fresh(CardGift)[0].fee_returned == 9_000


def test_a_refund_where_stripe_keeps_its_fee_posts_nothing_back(
    cards_client, httpserver, make_pledge, campaign
):
    FakeStripe(httpserver).fees(fee=9_000, charge_id="ch_keep", refund_fee=0)
    pledge = make_pledge(amount=300_000)
    post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, intent="pi_keep"))
    )
    partial = charge("pi_keep", amount=300_000, refunded=100_000, charge_id="ch_keep")
    post_event(cards_client, event("charge.refunded", partial))
    assert [e.amount for e in _entries("fee")] == [9_000]
    assert campaign_balance(campaign) == 300_000 - 9_000 - 100_000


def test_the_card_back_office_shows_each_fee(cards_client, httpserver, make_pledge, make_user):
    FakeStripe(httpserver).fees(fee=9_750)
    pledge = make_pledge(amount=300_000)
    post_event(cards_client, event("checkout.session.completed", paid_session(pledge)))
    login(cards_client, make_user("treasurer"))
    page = cards_client.get("/quan-tri/ung-ho/the").get_data(as_text=True)
    assert "Phí Stripe" in page and "9.750 ₫" in page
    assert "Lấy phí từ Stripe" not in page  # nothing waits
