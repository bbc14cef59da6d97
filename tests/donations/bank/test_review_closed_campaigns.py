"""A closed campaign takes no new money from the review queue: not offered, not the default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import DomainError
from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import CampaignStatus
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import TxStatus
from tests.fixtures.donations import FUND_ACCOUNT


@pytest.fixture
def queue(ctx, make_bank_pledge, make_campaign):
    """A pledge of a campaign that closed before the transfer came; a draft; the general fund."""
    fund = make_campaign(unit="province", slug="quy-chung", title="Quỹ chung", goals=())
    closed = make_campaign(unit="province", slug="da-ket-thuc", title="Chiến dịch đã kết thúc")
    draft = make_campaign(unit="province", slug="ban-nhap", title="Bản nháp", status="draft")
    open_ = make_campaign(unit="province", slug="dang-nhan", title="Đang nhận ủng hộ")
    pledge = make_bank_pledge(closed, amount=300_000)
    closed.status = CampaignStatus.closed
    db.session.commit()
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="closed-1",
            amount=300_000,
            memo=f"ung ho {pledge.reference}",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    assert tx.status == TxStatus.review and tx.pledge_id == pledge.id
    return {"tx": tx, "fund": fund, "closed": closed, "draft": draft, "open": open_}


def test_only_published_campaigns_are_offered(client, login_as, queue):
    login_as("treasurer")
    html = client.get(f"/quan-tri/ung-ho/giao-dich/{queue['tx'].id}").get_data(as_text=True)
    assert "Đang nhận ủng hộ" in html and "Quỹ chung (mặc định)" in html
    assert (
        "Chiến dịch đã kết thúc"
        not in html.split('name="a-campaign_id"', 1)[1].split("</select>", 1)[0]
    )
    assert "Bản nháp" not in html


def test_the_default_for_a_closed_campaigns_pledge_is_the_general_fund(client, login_as, queue):
    login_as("treasurer")
    tx = queue["tx"]
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan",
        data={"a-pledge_reference": tx.pledge.reference, "a-campaign_id": ""},
    )
    assert response.status_code == 302
    assert ledger.balance(queue["fund"].account) == 300_000
    assert ledger.balance(queue["closed"].account) == 0


def test_choosing_a_closed_campaign_is_refused(client, login_as, queue, make_user):
    login_as("treasurer")
    tx = queue["tx"]
    posted = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan",
        data={"a-pledge_reference": "", "a-campaign_id": str(queue["closed"].id)},
    )
    assert posted.status_code == 422
    with pytest.raises(DomainError, match="không còn nhận ủng hộ"):
        review.assign(
            make_user("treasurer"), review.load_for_update(tx.id), campaign=queue["closed"]
        )
    db.session.rollback()
    assert ledger.balance(queue["closed"].account) == 0
    assert db.session.get(type(tx), tx.id).status == TxStatus.review
