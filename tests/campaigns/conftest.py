"""Fixtures for campaign tests: campaigns made directly, gifts posted through the ledger."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign, CampaignGoal, CampaignKind, CampaignStatus


@pytest.fixture
def make_campaign(units):
    """Factory: a committed campaign with goals (default: published, 10 triệu đồng goal)."""

    def factory(
        slug="hoc-bong-thu",
        *,
        status="published",
        unit="a",
        kind="scholarship",
        goals=(("VND", 10_000_000),),
        title=None,
        **extra,
    ) -> Campaign:
        campaign = Campaign(
            slug=slug,
            title=title or f"Chiến dịch {slug}",
            summary="Tóm tắt chiến dịch thử.",
            story_md="Câu chuyện **thử**.",
            kind=CampaignKind(kind),
            status=CampaignStatus(status),
            unit_id=units[unit].id,
            starts_on=extra.pop("starts_on", date(2026, 1, 1)),
            **extra,
        )
        campaign.goals = [CampaignGoal(asset=a, target=t, label="") for a, t in goals]
        db.session.add(campaign)
        db.session.commit()
        return campaign

    return factory


@pytest.fixture
def give():
    """Post a gift from the world into a campaign (committed); returns the entry."""
    counter = {"n": 0}

    def factory(campaign, amount, *, asset="VND", label="", kind=None):
        counter["n"] += 1
        posting = ledger.post(
            source="world",
            destination=campaign.account,
            asset=asset,
            amount=amount,
            kind=kind or ("donation" if asset == "VND" else "in_kind"),
            ref=f"TSTEST{counter['n']:04d}",
            idempotency_key=f"test:gift:{campaign.slug}:{counter['n']}",
            label=label,
        )
        db.session.commit()
        return posting.entry

    return factory


def jpeg_bytes(size=(800, 600), color="navy", exif=None) -> bytes:
    """A small JPEG, optionally with EXIF (e.g. GPS) attached."""
    out = io.BytesIO()
    kwargs = {"exif": exif.tobytes()} if exif is not None else {}
    Image.new("RGB", size, color).save(out, "JPEG", **kwargs)
    return out.getvalue()
