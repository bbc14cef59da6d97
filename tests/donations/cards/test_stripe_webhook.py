"""The Stripe webhook: signatures on the raw body, each event once, payments and reversals."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.cards.models import CardCheckout, CardGift, CardReversal, CheckoutStatus, StripeEvent
from donations.models import Donation
from donations.pledges.models import PledgeStatus
from donations.receipts.models import Receipt
from tests.fixtures.database import fresh
from tests.fixtures.stripe import (
    WHSEC,
    campaign_balance,
    charge,
    dispute,
    event,
    paid_invoice,
    paid_session,
    post_event,
    sign,
)


def donations_of(pledge):
    return fresh(Donation, pledge_id=pledge.id)


# --- signatures -------------------------------------------------------------------------------


def test_good_signature_is_accepted(cards_client, make_pledge):
    pledge = make_pledge()
    response = post_event(cards_client, event("checkout.session.completed", paid_session(pledge)))
    assert response.status_code == 200
    assert response.json["received"] is True
    assert len(donations_of(pledge)) == 1


def test_body_changed_after_signing_is_refused(cards_client, make_pledge):
    pledge = make_pledge()
    body = json.dumps(event("checkout.session.completed", paid_session(pledge)))
    header = sign(body)
    tampered = body.replace(str(pledge.amount), str(pledge.amount * 10))
    response = post_event(cards_client, tampered, header=header)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"
    assert donations_of(pledge) == [] and fresh(StripeEvent) == []


def test_wrong_secret_is_refused(cards_client, make_pledge):
    pledge = make_pledge()
    body = json.dumps(event("checkout.session.completed", paid_session(pledge)))
    response = post_event(cards_client, body, header=sign(body, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert donations_of(pledge) == []


def test_missing_header_is_refused(cards_client, make_pledge):
    pledge = make_pledge()
    response = post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge)), header=None
    )
    assert response.status_code == 400
    assert "Stripe-Signature" in response.json["error"]["message"]
    assert donations_of(pledge) == []


def test_two_v1_signatures_one_good_is_accepted(cards_client, make_pledge):
    pledge = make_pledge()
    body = json.dumps(event("checkout.session.completed", paid_session(pledge)))
    t = int(time.time())
    good = hmac.new(WHSEC.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    header = f"t={t},v1={'0' * 64},v1={good}"
    assert post_event(cards_client, body, header=header).status_code == 200
    assert len(donations_of(pledge)) == 1


def test_stale_timestamp_is_refused(cards_client, make_pledge):
    pledge = make_pledge()
    body = json.dumps(event("checkout.session.completed", paid_session(pledge)))
    response = post_event(cards_client, body, header=sign(body, timestamp=int(time.time()) - 600))
    assert response.status_code == 400
    assert donations_of(pledge) == []


def test_garbage_header_and_malformed_json_are_refused(cards_client):
    assert post_event(cards_client, "{}", header="not a signature").status_code == 400
    response = post_event(cards_client, "{not json")
    assert response.status_code == 400
    assert "JSON" in response.json["error"]["message"]
    assert post_event(cards_client, json.dumps({"id": "evt_1"})).status_code == 400
    assert fresh(StripeEvent) == []


def test_unconfigured_webhook_answers_503(app_settings, make_pledge):
    from tests.fixtures.stripe import build_cards_app

    other = build_cards_app(app_settings, STRIPE_SECRET_KEY="sk_x", STRIPE_WEBHOOK_SECRET="")
    pledge = make_pledge()
    response = post_event(
        other.test_client(), event("checkout.session.completed", paid_session(pledge))
    )
    assert response.status_code == 503


# --- one-time payments ------------------------------------------------------------------------


def test_paid_session_records_the_donation_once(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=250_000)
    db.session.add(
        CardCheckout(
            pledge_id=pledge.id,
            session_id="cs_known",
            mode="payment",
            amount=250_000,
            expires_at=pledge.created_at,
        )
    )
    db.session.commit()
    payload = event(
        "checkout.session.completed", paid_session(pledge, session_id="cs_known", intent="pi_one")
    )
    assert post_event(cards_client, payload).status_code == 200
    again = post_event(cards_client, payload)
    assert again.status_code == 200 and again.json["outcome"] == "duplicate"

    [donation] = donations_of(pledge)
    assert donation.amount == 250_000 and donation.provider == "stripe"
    assert donation.provider_ref == "pi_one"
    entry = db.session.get(LedgerEntry, donation.ledger_seq)
    assert (entry.source, entry.destination, entry.amount) == ("world", campaign.account, 250_000)
    assert entry.idempotency_key == "stripe:pi_one"
    assert fresh(CardCheckout, session_id="cs_known")[0].status == CheckoutStatus.paid
    assert fresh(CardGift)[0].payment_intent_id == "pi_one"
    pledge = db.session.get(type(pledge), pledge.id)
    assert pledge.status == PledgeStatus.paid and pledge.received == 250_000
    assert campaign_balance(campaign) == 250_000
    assert len(fresh(Receipt)) == 1
    assert len(fresh(StripeEvent)) == 1


def test_two_events_about_one_payment_count_once(cards_client, make_pledge, campaign):
    pledge = make_pledge()
    session = paid_session(pledge, intent="pi_same")
    post_event(cards_client, event("checkout.session.completed", session))
    post_event(cards_client, event("checkout.session.async_payment_succeeded", session))
    assert len(donations_of(pledge)) == 1
    assert campaign_balance(campaign) == pledge.amount
    assert len(fresh(StripeEvent)) == 2


def test_amount_comes_from_the_session_not_the_form(cards_client, make_pledge):
    pledge = make_pledge(amount=250_000)
    post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, amount=300_000))
    )
    [donation] = donations_of(pledge)
    assert donation.amount == 300_000
    assert db.session.get(type(pledge), pledge.id).status == PledgeStatus.overpaid


def test_other_currency_is_not_counted(cards_client, make_pledge):
    pledge = make_pledge()
    response = post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, currency="usd"))
    )
    assert response.status_code == 200 and "currency" in response.json["outcome"]
    assert donations_of(pledge) == []


def test_async_payment_waits_then_succeeds_or_fails(cards_client, make_pledge):
    ok, bad = make_pledge(), make_pledge()
    for pledge, sid in ((ok, "cs_async_ok"), (bad, "cs_async_bad")):
        db.session.add(
            CardCheckout(
                pledge_id=pledge.id,
                session_id=sid,
                mode="payment",
                amount=pledge.amount,
                expires_at=pledge.created_at,
            )
        )
    db.session.commit()
    waiting = paid_session(ok, session_id="cs_async_ok", status="unpaid")
    post_event(cards_client, event("checkout.session.completed", waiting))
    assert donations_of(ok) == []
    assert fresh(CardCheckout, session_id="cs_async_ok")[0].status == CheckoutStatus.processing
    post_event(
        cards_client,
        event("checkout.session.async_payment_succeeded", {**waiting, "payment_status": "paid"}),
    )
    assert len(donations_of(ok)) == 1

    failing = paid_session(bad, session_id="cs_async_bad", status="unpaid")
    post_event(cards_client, event("checkout.session.completed", failing))
    post_event(cards_client, event("checkout.session.async_payment_failed", failing))
    assert donations_of(bad) == []
    assert fresh(CardCheckout, session_id="cs_async_bad")[0].status == CheckoutStatus.failed


def test_expired_session_and_late_expiry_after_payment(cards_client, make_pledge):
    gone, paid = make_pledge(), make_pledge()
    for pledge, sid in ((gone, "cs_gone"), (paid, "cs_paid")):
        db.session.add(
            CardCheckout(
                pledge_id=pledge.id,
                session_id=sid,
                mode="payment",
                amount=pledge.amount,
                expires_at=pledge.created_at,
            )
        )
    db.session.commit()
    post_event(
        cards_client,
        event(
            "checkout.session.expired",
            {
                **paid_session(gone, session_id="cs_gone"),
                "status": "expired",
                "payment_status": "unpaid",
            },
        ),
    )
    assert fresh(CardCheckout, session_id="cs_gone")[0].status == CheckoutStatus.expired
    assert donations_of(gone) == []
    post_event(
        cards_client, event("checkout.session.completed", paid_session(paid, session_id="cs_paid"))
    )
    post_event(
        cards_client, event("checkout.session.expired", paid_session(paid, session_id="cs_paid"))
    )
    assert fresh(CardCheckout, session_id="cs_paid")[0].status == CheckoutStatus.paid
    assert len(donations_of(paid)) == 1


# --- monthly gifts ----------------------------------------------------------------------------


def test_monthly_gift_counts_each_invoice_once(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=200_000, monthly=True)
    db.session.add(
        CardCheckout(
            pledge_id=pledge.id,
            session_id="cs_month",
            mode="subscription",
            amount=200_000,
            expires_at=pledge.created_at,
        )
    )
    db.session.commit()
    first, second = paid_invoice(pledge, invoice_id="in_1"), paid_invoice(pledge, invoice_id="in_2")
    # invoice.paid may arrive before checkout.session.completed.
    post_event(cards_client, event("invoice.paid", first))
    session = {
        **paid_session(pledge, session_id="cs_month"),
        "mode": "subscription",
        "subscription": "sub_test_1",
        "payment_intent": None,
    }
    response = post_event(cards_client, event("checkout.session.completed", session))
    assert response.json["outcome"] == "subscription started"
    post_event(cards_client, event("invoice.paid", first))  # a new event id for the same invoice
    post_event(cards_client, event("invoice.paid", second))
    donations = donations_of(pledge)
    assert sorted(d.provider_ref for d in donations) == ["in_1", "in_2"]
    assert campaign_balance(campaign) == 400_000
    checkout = fresh(CardCheckout, session_id="cs_month")[0]
    assert checkout.subscription_id == "sub_test_1" and checkout.status == CheckoutStatus.paid
    post_event(
        cards_client,
        event(
            "customer.subscription.deleted",
            {"id": "sub_test_1", "object": "subscription", "status": "canceled"},
        ),
    )
    assert fresh(CardCheckout, session_id="cs_month")[0].status == CheckoutStatus.cancelled


def test_invoice_found_by_subscription_when_metadata_is_missing(cards_client, make_pledge):
    pledge = make_pledge(amount=100_000, monthly=True)
    db.session.add(
        CardCheckout(
            pledge_id=pledge.id,
            session_id="cs_m2",
            mode="subscription",
            amount=100_000,
            subscription_id="sub_bare",
            expires_at=pledge.created_at,
        )
    )
    db.session.commit()
    invoice = paid_invoice(pledge, invoice_id="in_bare", sub="sub_bare")
    invoice["parent"]["subscription_details"]["metadata"] = {}
    post_event(cards_client, event("invoice.paid", invoice))
    assert [d.provider_ref for d in donations_of(pledge)] == ["in_bare"]


# --- refunds and disputes ---------------------------------------------------------------------


def _pay(client, pledge, intent):
    post_event(client, event("checkout.session.completed", paid_session(pledge, intent=intent)))


def refunds_posted():
    db.session.expire_all()
    return db.session.query(LedgerEntry).filter(LedgerEntry.kind == "refund").all()


def test_partial_then_full_refund_reverse_exactly_once(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=300_000)
    _pay(cards_client, pledge, "pi_r")
    partial = charge(
        "pi_r",
        amount=300_000,
        refunded=100_000,
        pledge=pledge,
        refunds=[{"id": "re_1", "amount": 100_000, "status": "succeeded"}],
    )
    post_event(cards_client, event("charge.refunded", partial))
    post_event(cards_client, event("charge.refunded", partial))  # redelivered as a new event
    assert campaign_balance(campaign) == 200_000
    # A later event without the list of refunds (as newer API versions send it).
    full = charge("pi_r", amount=300_000, refunded=300_000, pledge=pledge)
    post_event(cards_client, event("charge.refunded", full))
    post_event(cards_client, event("charge.refunded", partial))  # an older one, out of order
    assert campaign_balance(campaign) == 0
    entries = refunds_posted()
    assert sorted(e.amount for e in entries) == [100_000, 200_000]
    assert {(e.source, e.destination) for e in entries} == {(campaign.account, "world")}
    assert all(e.ref == pledge.reference for e in entries)
    assert fresh(CardGift)[0].refunded == 300_000


def test_refund_before_payment_is_retried_not_lost(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=150_000)
    early = event(
        "charge.refunded", charge("pi_late", amount=150_000, refunded=150_000, pledge=pledge)
    )
    response = post_event(cards_client, early)
    assert response.status_code == 503  # Stripe delivers it again later
    assert fresh(StripeEvent) == []
    _pay(cards_client, pledge, "pi_late")
    assert post_event(cards_client, early).status_code == 200
    assert campaign_balance(campaign) == 0


def test_refund_of_unknown_charge_is_ignored(cards_client):
    response = post_event(
        cards_client, event("charge.refunded", charge("pi_other_shop", amount=1000, refunded=1000))
    )
    assert response.status_code == 200 and response.json["outcome"].startswith("ignored")


def test_refund_when_campaign_money_is_spent_is_blocked_then_posted(
    cards_app, cards_client, make_pledge, campaign
):
    pledge = make_pledge(amount=100_000)
    _pay(cards_client, pledge, "pi_spent")
    ledger.post(
        source=campaign.account,
        destination="expense:sach-vo",
        asset="VND",
        amount=100_000,
        kind="purchase",
        ref="MUA-1",
        idempotency_key="test:spend",
    )
    db.session.commit()
    response = post_event(
        cards_client,
        event(
            "charge.refunded", charge("pi_spent", amount=100_000, refunded=100_000, pledge=pledge)
        ),
    )
    assert response.status_code == 200 and "blocked" in response.json["outcome"]
    [reversal] = fresh(CardReversal)
    assert reversal.status == "blocked" and "không đủ số dư" in reversal.note
    assert refunds_posted() == []
    # Money comes back into the campaign; the treasurer's command posts the refund.
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=100_000,
        kind="donation",
        ref="X",
        idempotency_key="test:topup",
    )
    db.session.commit()
    result = cards_app.test_cli_runner().invoke(args=["cards", "post-blocked"])
    assert result.exit_code == 0 and "Đã ghi sổ 1" in result.output
    assert fresh(CardReversal)[0].status == "posted"
    assert [e.amount for e in refunds_posted()] == [100_000]


def test_dispute_posts_chargeback_and_winning_reverses_it(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=500_000)
    _pay(cards_client, pledge, "pi_d")
    opened = event("charge.dispute.created", dispute("pi_d", amount=500_000))
    post_event(cards_client, opened)
    post_event(cards_client, opened)
    assert campaign_balance(campaign) == 0
    db.session.expire_all()
    [chargeback] = db.session.query(LedgerEntry).filter_by(kind="chargeback").all()
    assert (chargeback.source, chargeback.destination) == (campaign.account, "world")
    post_event(
        cards_client, event("charge.dispute.closed", dispute("pi_d", amount=500_000, status="won"))
    )
    assert campaign_balance(campaign) == 500_000
    db.session.expire_all()
    [back] = db.session.query(LedgerEntry).filter_by(kind="reversal").all()
    assert back.reverses_seq == chargeback.seq
    assert fresh(CardReversal)[0].status == "won"


def test_lost_dispute_keeps_the_chargeback(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=120_000)
    _pay(cards_client, pledge, "pi_lost")
    post_event(cards_client, event("charge.dispute.created", dispute("pi_lost", amount=120_000)))
    post_event(
        cards_client,
        event("charge.dispute.closed", dispute("pi_lost", amount=120_000, status="lost")),
    )
    assert campaign_balance(campaign) == 0
    db.session.expire_all()
    assert db.session.query(LedgerEntry).filter_by(kind="reversal").count() == 0


def test_dispute_won_before_seen_opened_moves_nothing(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=120_000)
    _pay(cards_client, pledge, "pi_w")
    post_event(
        cards_client,
        event(
            "charge.dispute.closed",
            dispute("pi_w", amount=120_000, status="won", dispute_id="dp_w"),
        ),
    )
    post_event(
        cards_client,
        event("charge.dispute.created", dispute("pi_w", amount=120_000, dispute_id="dp_w")),
    )
    assert campaign_balance(campaign) == 120_000
    db.session.expire_all()
    assert db.session.query(LedgerEntry).filter_by(kind="chargeback").count() == 0


def test_unknown_event_types_are_stored_and_ignored(cards_client):
    response = post_event(
        cards_client, event("customer.created", {"id": "cus_1", "object": "customer"})
    )
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    [row] = fresh(StripeEvent)
    assert row.type == "customer.created" and row.payload["data"]["object"]["id"] == "cus_1"


def _pledge_state(pledge):
    db.session.expire_all()
    fresh_pledge = db.session.get(type(pledge), pledge.id)
    return fresh_pledge.received, fresh_pledge.status


def test_refunds_and_chargebacks_lower_what_the_pledge_received(
    cards_client, make_pledge, campaign
):
    pledge = make_pledge(amount=300_000)
    _pay(cards_client, pledge, "pi_rx")
    assert _pledge_state(pledge) == (300_000, PledgeStatus.paid)
    partial = charge("pi_rx", amount=300_000, refunded=100_000, pledge=pledge)
    post_event(cards_client, event("charge.refunded", partial))
    post_event(cards_client, event("charge.refunded", partial))  # replayed: counted once
    assert _pledge_state(pledge) == (200_000, PledgeStatus.partial)
    full = charge("pi_rx", amount=300_000, refunded=300_000, pledge=pledge)
    post_event(cards_client, event("charge.refunded", full))
    assert _pledge_state(pledge) == (0, PledgeStatus.expired)
    # A dispute on money already refunded cannot take the pledge below zero.
    post_event(
        cards_client,
        event("charge.dispute.created", dispute("pi_rx", amount=300_000, charge_id="ch_rx")),
    )
    assert _pledge_state(pledge)[0] == 0

    other = make_pledge(amount=200_000)
    _pay(cards_client, other, "pi_dx")
    opened = dispute("pi_dx", amount=200_000, dispute_id="dp_dx", charge_id="ch_dx")
    post_event(cards_client, event("charge.dispute.created", opened))
    assert _pledge_state(other) == (0, PledgeStatus.expired)
    post_event(cards_client, event("charge.dispute.closed", {**opened, "status": "won"}))
    assert _pledge_state(other) == (200_000, PledgeStatus.paid)
