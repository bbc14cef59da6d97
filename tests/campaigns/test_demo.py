"""The demo seeder makes a living site and changes nothing when run again."""

from __future__ import annotations

from sqlalchemy import func, select

from app import demo
from app.extensions import db
from app.ledger.models import LedgerEntry
from campaigns.demo import seed_campaigns
from campaigns.images import image_exists
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignKind, ReferralCredit


def _counts():
    return tuple(
        db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in (Campaign, LedgerEntry, ReferralCredit)
    )


def test_seed_twice_is_idempotent(app, client):
    demo.seed_core(lambda _: None)
    seed_campaigns(lambda _: None)
    db.session.commit()
    first = _counts()
    demo.seed_core(lambda _: None)
    seed_campaigns(lambda _: None)
    db.session.commit()
    assert _counts() == first
    campaigns = db.session.execute(select(Campaign)).scalars().all()
    assert len(campaigns) == 7
    # Every kind but a fundraising event (an activity's campaign, made from the back office).
    assert {c.kind for c in campaigns} == set(CampaignKind) - {CampaignKind.event}
    assert any(c.slug == GENERAL_FUND_SLUG for c in campaigns)
    assert all(image_exists(c.cover_image) for c in campaigns)
    assert first[2] > 0
    home = client.get("/").get_data(as_text=True)
    assert "Nhà bán trú cho em" in home
    assert client.get("/thi-dua").get_data(as_text=True).count("<tr>") > 2
