"""Fixtures for the rounds tests: a funded campaign and the people who act on rounds."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.ledger import service as ledger
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.in_kind import stock


@pytest.fixture
def campaign(units) -> Campaign:
    """A published scholarship campaign with 1.000.000 ₫ and 30 kg of rice, the rice in the
    province's store (rounds of its districts hand it over from there)."""
    c = Campaign(
        slug="hoc-bong-thu",
        title="Học bổng thử",
        kind=CampaignKind.scholarship,
        status=CampaignStatus.published,
        unit_id=units["province"].id,
        starts_on=date(2026, 9, 1),
    )
    db.session.add(c)
    db.session.flush()
    ledger.post(
        source="world",
        destination=c.account,
        asset="VND",
        amount=1_000_000,
        kind="donation",
        ref="TSTEST1",
        idempotency_key="test:gift:1",
    )
    ledger.post(
        source="world",
        destination=c.account,
        asset="RICE_G",
        amount=30_000,
        kind="in_kind",
        ref="HVTEST1",
        idempotency_key="test:gift:2",
    )
    stock.move(units["province"].id, "RICE_G", 30_000, kind="gift", key="test:gift:2")
    db.session.commit()
    return c


@pytest.fixture
def people(make_user) -> dict:
    return {
        "manager": make_user("manager", "a"),
        "treasurer": make_user("treasurer"),
        "admin": make_user("admin"),
        "manager_b": make_user("manager", "b"),
    }
