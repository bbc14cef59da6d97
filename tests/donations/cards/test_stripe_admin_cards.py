"""Back office: the card payments page and posting blocked refunds (audited)."""

from __future__ import annotations

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from donations.cards.models import CardReversal
from tests.conftest import login
from tests.fixtures.database import fresh
from tests.fixtures.stripe import (
    charge,
    event,
    paid_session,
    post_event,
)


def _blocked_refund(cards_client, make_pledge, campaign):
    pledge = make_pledge(amount=100_000)
    post_event(
        cards_client, event("checkout.session.completed", paid_session(pledge, intent="pi_adm"))
    )
    ledger.post(
        source=campaign.account,
        destination="expense:sach-vo",
        asset="VND",
        amount=100_000,
        kind="purchase",
        ref="MUA-1",
        idempotency_key="test:spend-adm",
    )
    db.session.commit()
    post_event(
        cards_client,
        event("charge.refunded", charge("pi_adm", amount=100_000, refunded=100_000, pledge=pledge)),
    )
    [reversal] = fresh(CardReversal)
    assert reversal.status == "blocked"
    return pledge, reversal


def test_treasurer_sees_payments_and_posts_a_blocked_refund(
    cards_app, cards_client, make_pledge, make_user, campaign
):
    pledge, reversal = _blocked_refund(cards_client, make_pledge, campaign)
    treasurer = make_user("treasurer")
    assert login(cards_client, treasurer).status_code == 302
    page = cards_client.get("/quan-tri/ung-ho/the")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and pledge.reference in html
    assert "data-confirm" in html and f"/cho-ghi-so/{reversal.id}" in html
    for view in ("sessions", "reversals"):
        assert cards_client.get(f"/quan-tri/ung-ho/the?view={view}").status_code == 200
    filtered = cards_client.get("/quan-tri/ung-ho/the?view=reversals&status=won&kind=refund")
    assert "Không có mục nào khớp bộ lọc" in filtered.get_data(as_text=True)
    searched = cards_client.get(f"/quan-tri/ung-ho/the?q={pledge.reference}")
    assert pledge.reference in searched.get_data(as_text=True)

    # Still no money: it stays blocked and the page says why.
    response = cards_client.post(f"/quan-tri/ung-ho/the/cho-ghi-so/{reversal.id}")
    assert response.status_code == 302
    assert fresh(CardReversal)[0].status == "blocked"
    ledger.post(
        source="world",
        destination=campaign.account,
        asset="VND",
        amount=100_000,
        kind="donation",
        ref="X",
        idempotency_key="test:topup-adm",
    )
    db.session.commit()
    response = cards_client.post(f"/quan-tri/ung-ho/the/cho-ghi-so/{reversal.id}")
    assert response.status_code == 302
    assert fresh(CardReversal)[0].status == "posted"
    [entry] = fresh(AuditEntry, action="stripe.post_blocked")
    assert entry.actor_id == treasurer.id
    again = cards_client.post(
        f"/quan-tri/ung-ho/the/cho-ghi-so/{reversal.id}", follow_redirects=True
    )
    assert "không còn chờ ghi sổ" in again.get_data(as_text=True)


def test_auditor_reads_but_cannot_post(cards_client, make_pledge, make_user, campaign):
    _pledge, reversal = _blocked_refund(cards_client, make_pledge, campaign)
    assert login(cards_client, make_user("auditor")).status_code == 302
    page = cards_client.get("/quan-tri/ung-ho/the")
    assert page.status_code == 200
    assert "/cho-ghi-so/" not in page.get_data(as_text=True)
    assert cards_client.post(f"/quan-tri/ung-ho/the/cho-ghi-so/{reversal.id}").status_code == 403
    assert cards_client.post("/quan-tri/ung-ho/the/cho-ghi-so").status_code == 403
    assert fresh(CardReversal)[0].status == "blocked"


def test_managers_do_not_see_card_payments(cards_client, make_user):
    assert login(cards_client, make_user("manager", "a")).status_code == 302
    assert cards_client.get("/quan-tri/ung-ho/the").status_code == 403
