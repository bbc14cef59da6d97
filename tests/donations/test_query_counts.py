"""The pledge page and the donations back office run as many queries for 30 rows as for 3."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from app.ledger import service as ledger
from donations.bank.matching import Incoming, Matcher
from donations.cards import payments, reversals
from donations.cards.models import CardCheckout, CardReversal
from donations.in_kind.services import record_in_kind
from donations.pledges.models import PaymentMethod
from tests.fixtures.donations import FUND_ACCOUNT
from tests.fixtures.stripe import charge, paid_session

_ids = itertools.count(1)


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: first-request set-up is not the page
    with query_count() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.count


def _transfer(memo: str, amount: int) -> None:
    Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id=f"q{next(_ids)}",
            amount=amount,
            occurred_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
            memo=memo,
            account_number=FUND_ACCOUNT,
        )
    )


@pytest.fixture
def treasurer_client(client, login_as):
    login_as("treasurer")
    return client


def test_monthly_pledge_page(client, query_count, make_bank_pledge, campaign):
    pledge = make_bank_pledge(campaign, amount=100_000, monthly=True)

    def add(n: int) -> None:
        for _ in range(n):
            _transfer(f"ung ho {pledge.reference}", 100_000)
        db.session.commit()

    add(3)
    few = _queries(client, query_count, f"/ung-ho/p/{pledge.reference}")
    add(27)
    assert _queries(client, query_count, f"/ung-ho/p/{pledge.reference}") == few


def test_bank_transactions_list(treasurer_client, query_count, make_bank_pledge, campaign):
    def add(n: int) -> None:
        for i in range(n):
            pledge = make_bank_pledge(campaign, amount=200_000)
            # Half matched to their pledge (and so a donation), half waiting for review.
            _transfer(f"ung ho {pledge.reference}" if i % 2 else "ung ho khong ma", 200_000)
        db.session.commit()

    counts = []
    for n in (3, 27):
        add(n)
        counts.append(
            [
                _queries(treasurer_client, query_count, f"/quan-tri/ung-ho/giao-dich?tab={tab}")
                for tab in ("review", "matched", "all")
            ]
        )
    assert counts[1] == counts[0]


def test_pledges_list(treasurer_client, query_count, make_pledge, make_campaign):
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            make_pledge(  # each on a campaign of its own: a shared one would hide a lazy load
                campaign_id=make_campaign(f"cd-{i}").id,
                method=PaymentMethod.bank if i % 2 else PaymentMethod.card,
            )

    add(3)
    few = _queries(treasurer_client, query_count, "/quan-tri/ung-ho/cam-ket")
    add(27)
    assert _queries(treasurer_client, query_count, "/quan-tri/ung-ho/cam-ket") == few


def test_card_payments_lists(treasurer_client, query_count, make_pledge, make_campaign):
    """Payments, checkout sessions, refunds, and the refunds blocked for want of money."""
    batches = itertools.count(1)

    def add(n: int) -> None:
        batch = next(batches)
        paid = []
        for i in range(n):
            campaign = make_campaign(f"the-{batch}-{i}")  # one each, as rows would differ
            pledge = make_pledge(campaign_id=campaign.id)
            session = paid_session(pledge, intent=f"pi_q{batch}_{i}")
            db.session.add(
                CardCheckout(
                    pledge_id=pledge.id,
                    session_id=session["id"],
                    mode="payment",
                    amount=pledge.amount,
                    expires_at=utcnow() + timedelta(minutes=30),
                )
            )
            db.session.flush()
            payments.session_completed(session, None)
            paid.append(pledge)
        for i, pledge in enumerate(paid):
            # The campaign spends everything, so the refund below waits for money (blocked).
            ledger.post(
                source=pledge.campaign.account,
                destination="expense:sach-vo",
                asset="VND",
                amount=pledge.amount,
                kind="purchase",
                ref="MUA",
                idempotency_key=f"test:spend:{batch}:{i}",
            )
            intent = f"pi_q{batch}_{i}"
            refund = charge(intent, amount=pledge.amount, refunded=50_000, charge_id=f"ch_{intent}")
            reversals.charge_refunded({**refund, "metadata": {"pledge_id": str(pledge.id)}}, None)
        db.session.commit()

    counts = []
    for n in (3, 27):
        add(n)
        counts.append(
            [
                _queries(treasurer_client, query_count, f"/quan-tri/ung-ho/the?view={view}")
                for view in ("payments", "sessions", "reversals")
            ]
        )
    assert db.session.query(CardReversal).filter_by(status="blocked").count() == 30
    assert counts[1] == counts[0]


def test_in_kind_list(client, login_as, query_count, make_campaign, make_unit):
    admin = login_as("admin")
    numbers = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            i = next(numbers)
            record_in_kind(  # each for a campaign and a unit of its own
                admin,
                campaign=make_campaign(f"hien-vat-{i}"),
                unit_id=make_unit().id,
                asset="RICE_G",
                quantity=10_000,
                estimated_value=None,
                received_on=date(2026, 11, 1),
                donor_name=f"Nhà hảo tâm {i}",
            )
        db.session.commit()

    add(3)
    few = _queries(client, query_count, "/quan-tri/ung-ho/hien-vat")
    add(27)
    assert _queries(client, query_count, "/quan-tri/ung-ho/hien-vat") == few
