"""Two treasurers settle the same waiting transfer: one records it, the other is told, clearly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from donations.models import Donation
from tests.conftest import login
from tests.fixtures.donations import FUND_ACCOUNT
from tests.race import pause_first_call, postgres_only, race


@pytest.fixture
def waiting(ctx, make_campaign):
    general = make_campaign("quy-chung", title="Quỹ chung", kind="general", unit="province").id
    other = make_campaign("hoc-bong-khac", title="Học bổng khác", unit="province").id
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="xung-dot-1",
            amount=300_000,
            memo="ung ho",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    # Plain ids: the requests below may run in other threads, away from this session.
    return {"tx": tx.id, "general": general, "other": other}


@pytest.fixture
def treasurers(app, make_user):
    """Two treasurers, each logged in on a client of their own."""
    clients = []
    for _ in range(2):
        client = app.test_client()
        assert login(client, make_user("treasurer")).status_code == 302
        clients.append(client)
    return clients


def _assign(client, tx_id: int, campaign_id: int):
    return client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx_id}/gan",
        data={"a-pledge_reference": "", "a-campaign_id": str(campaign_id)},
    )


def _donations() -> int:
    return db.session.execute(select(func.count(Donation.id))).scalar_one()


def test_the_second_treasurer_is_told_it_is_already_done(waiting, treasurers):
    first, second = treasurers
    assert _assign(first, waiting["tx"], waiting["general"]).status_code == 302
    late = _assign(second, waiting["tx"], waiting["other"])
    assert late.status_code == 422
    assert "Giao dịch này đã được xử lý" in late.get_data(as_text=True)
    assert ledger.balance("campaign:quy-chung") == 300_000
    assert ledger.balance("campaign:hoc-bong-khac") == 0 and _donations() == 1


def test_a_ledger_that_already_holds_the_transfer_gives_a_message_not_a_500(waiting, treasurers):
    # What a colleague's assignment leaves when the queue row could not be locked (SQLite has no
    # row locks): the ledger already holds this bank transaction, for another campaign.
    ledger.post(
        source="world",
        destination="campaign:hoc-bong-khac",
        asset="VND",
        amount=300_000,
        kind="donation",
        ref="sepay:xung-dot-1",
        idempotency_key="bank:sepay:xung-dot-1",
    )
    db.session.commit()
    response = _assign(treasurers[0], waiting["tx"], waiting["general"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "đã được ghi sổ cái ở bút toán #1" in html and "tải lại trang" in html
    db.session.expire_all()
    assert db.session.get(BankTransaction, waiting["tx"]).status == TxStatus.review
    assert ledger.balance("campaign:quy-chung") == 0 and _donations() == 0


@postgres_only
@pytest.mark.parametrize("target", ["general", "other"])
def test_two_treasurers_assign_at_the_same_moment(waiting, treasurers, monkeypatch, target):
    entered = pause_first_call(monkeypatch, review, "record_donation")
    first, second = race(
        lambda: _assign(treasurers[0], waiting["tx"], waiting["general"]),
        lambda: _assign(treasurers[1], waiting["tx"], waiting[target]),
        entered,
    )
    assert first.status_code == 302
    assert second.status_code == 422
    assert "Giao dịch này đã được xử lý" in second.get_data(as_text=True)
    db.session.expire_all()
    assert ledger.balance("campaign:quy-chung") == 300_000 and _donations() == 1
    decisions = select(func.count(AuditEntry.id)).where(AuditEntry.action == "bank_tx.assign")
    assert db.session.execute(decisions).scalar_one() == 1
