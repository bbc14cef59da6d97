"""Demo helpers shared by the donations demo seeders."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus


def demo_campaign() -> Campaign | None:
    rows = db.session.execute(
        select(Campaign).where(Campaign.status == CampaignStatus.published).order_by(Campaign.id)
    ).scalars()
    published = list(rows)
    others = [c for c in published if c.slug != GENERAL_FUND_SLUG]
    return (others or published or [None])[0]
