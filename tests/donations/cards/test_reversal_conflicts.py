"""Posting a blocked card refund: short of money it says so and posts nothing; two treasurers
posting it at the same moment post it once, and the second is told it is done."""

from __future__ import annotations

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.cards import reversals
from donations.cards.models import CardReversal
from tests.conftest import login
from tests.donations.cards.test_stripe_admin_cards import _blocked_refund
from tests.fixtures.database import fresh
from tests.race import pause_first_call, postgres_only, race

STILL_SHORT = "chiến dịch chưa đủ số dư"
POSTED = "Đã ghi sổ 1 khoản."
NOT_WAITING = "Khoản hoàn tiền này không còn chờ ghi sổ."


def _top_up(campaign) -> None:
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=100_000,
        kind="donation",
        ref="NAP",
        idempotency_key="test:topup-race",
    )
    db.session.commit()


def _treasurers(cards_app, make_user) -> list:
    clients = []
    for _ in range(2):
        client = cards_app.test_client()
        assert login(client, make_user("treasurer")).status_code == 302
        clients.append(client)
    return clients


def _post(client, reversal_id: int):
    url = f"/quan-tri/ung-ho/the/cho-ghi-so/{reversal_id}"
    return client.post(url, follow_redirects=True).get_data(as_text=True)


def test_short_of_money_says_so_and_posts_nothing(
    cards_app, cards_client, make_pledge, make_user, campaign
):
    _pledge, reversal = _blocked_refund(cards_client, make_pledge, campaign)
    before = len(fresh(LedgerEntry))
    [client, _other] = _treasurers(cards_app, make_user)
    page = _post(client, reversal.id)
    assert STILL_SHORT in page and "Đã ghi sổ" not in page
    assert len(fresh(LedgerEntry)) == before
    assert fresh(CardReversal)[0].status == "blocked"


@postgres_only
def test_two_treasurers_post_the_same_refund_at_once(
    cards_app, cards_client, make_pledge, make_user, campaign, monkeypatch
):
    _pledge, reversal = _blocked_refund(cards_client, make_pledge, campaign)
    reversal_id = reversal.id
    _top_up(campaign)
    clients = _treasurers(cards_app, make_user)
    entered = pause_first_call(monkeypatch, reversals.audit, "record")
    first, second = race(
        lambda: _post(clients[0], reversal_id),
        lambda: _post(clients[1], reversal_id),
        entered,
    )
    assert POSTED in first and NOT_WAITING in second
    assert len(fresh(LedgerEntry, kind="refund")) == 1
    assert len(fresh(AuditEntry, action="stripe.post_blocked")) == 1
    assert fresh(CardReversal)[0].status == "posted"
