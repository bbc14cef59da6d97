"""The status tables in the donation services: illegal moves are refused, legal ones recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app

from app.dbtypes import utcnow
from app.errors import Conflict
from app.extensions import db
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import TxStatus
from donations.cards import payments
from donations.cards.models import CardCheckout, CheckoutStatus
from donations.pledges import services as pledges
from donations.pledges.models import PledgeStatus
from donations.recording import record_donation


@pytest.fixture
def campaign(ctx, units) -> Campaign:
    found = Campaign(
        slug="trang-thai-thu",
        title="Chiến dịch trạng thái",
        kind=CampaignKind.scholarship,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(found)
    db.session.commit()
    return found


def _pledge(campaign, amount=200_000, **extra):
    pledge = pledges.create_pledge(
        pledges.PledgeRequest(campaign=campaign, amount=amount, donor_name="Thử", **extra)
    )
    db.session.commit()
    return pledge


def _transfer(memo: str, amount: int, provider_id: str):
    tx, _created = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id=provider_id,
            amount=amount,
            memo=memo,
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=current_app.config["BANK_ACCOUNT_NUMBER"],
        )
    )
    db.session.commit()
    return tx


def test_assigning_a_transfer_that_is_already_matched_is_refused(campaign, make_user):
    pledge = _pledge(campaign)
    tx = _transfer(f"{pledge.reference} ung ho", 200_000, "st-1")
    assert tx.status == TxStatus.matched and tx.note == ""
    treasurer = make_user("treasurer")
    with pytest.raises(Conflict, match="đã được xử lý"):
        review.assign(treasurer, review.load_for_update(tx.id), campaign=campaign)
    db.session.rollback()
    assert tx.status == TxStatus.matched and tx.donation.amount == 200_000
    with pytest.raises(Conflict, match="đã được xử lý"):
        review.dismiss(treasurer, review.load_for_update(tx.id), reason="Không phải ủng hộ")


def test_a_transfer_leaves_the_queue_once(campaign, make_user):
    tx = _transfer("chuyen tien khong ma", 150_000, "st-2")
    assert tx.status == TxStatus.review  # settled at once: no row ever stays "new"
    treasurer = make_user("treasurer")
    review.dismiss(treasurer, review.load_for_update(tx.id), reason="Tiền lãi ngân hàng")
    db.session.commit()
    assert tx.status == TxStatus.not_donation
    with pytest.raises(Conflict):
        review.assign(treasurer, review.load_for_update(tx.id), campaign=campaign)


def test_pledge_status_follows_the_money_through_the_table(campaign):
    pledge = _pledge(campaign, amount=300_000)
    statuses = []
    for n, amount in enumerate((100_000, 200_000, 50_000), 1):
        record_donation(
            campaign=campaign,
            amount=amount,
            provider="test",
            provider_ref=f"p-{n}",
            idempotency_key=f"test:p:{n}",
            pledge=pledge,
        )
        statuses.append(pledge.status)
    assert statuses == [PledgeStatus.partial, PledgeStatus.paid, PledgeStatus.overpaid]


def test_expiry_never_moves_a_paid_pledge(campaign):
    """Expiring is pending → expired only: a paid pledge past its date stays paid."""
    paid, waiting = _pledge(campaign), _pledge(campaign)
    record_donation(
        campaign=campaign,
        amount=200_000,
        provider="test",
        provider_ref="x-1",
        idempotency_key="test:x:1",
        pledge=paid,
    )
    for pledge in (paid, waiting):
        pledge.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert pledges.expire_pledges() == 1
    db.session.commit()
    db.session.refresh(paid)
    db.session.refresh(waiting)
    assert paid.status == PledgeStatus.paid and waiting.status == PledgeStatus.expired


def test_a_late_card_expiry_does_not_undo_a_payment(campaign):
    pledge = _pledge(campaign, method="card")
    checkout = CardCheckout(
        pledge_id=pledge.id,
        session_id="cs_test_status",
        mode="payment",
        amount=pledge.amount,
        status=CheckoutStatus.paid,
        expires_at=utcnow() + timedelta(hours=1),
    )
    db.session.add(checkout)
    db.session.commit()
    assert payments.session_expired({"id": "cs_test_status"}, None) == "session expired"
    assert payments.session_async_failed({"id": "cs_test_status"}, None) == "payment failed"
    db.session.commit()
    db.session.refresh(checkout)
    assert checkout.status == CheckoutStatus.paid
