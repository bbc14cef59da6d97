"""In-kind gifts: recorded by a unit, posted in their own asset, audited, scoped."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from donations.in_kind.models import InKindGift
from donations.in_kind.services import parse_quantity
from donations.models import Donation

FORM = {
    "asset": "RICE_G",
    "quantity": "12,5",
    "estimated_value": "300.000",
    "donor_name": "HTX Thử",
    "received_on": "2026-11-01",
    "note": "Gạo tẻ",
}


@pytest.mark.parametrize(
    ("text", "asset", "value"),
    [
        ("12,5", "RICE_G", 12_500),
        ("250", "RICE_G", 250_000),
        ("0.125", "RICE_G", 125),
        ("3", "BICYCLE", 3),
    ],
)
def test_parse_quantity(ctx, text, asset, value):
    assert parse_quantity(text, asset) == value


def test_manager_records_rice_for_own_unit(client, login_as, units, make_campaign):
    campaign = make_campaign(unit="province")
    user = login_as("manager", "a")
    response = client.post(
        "/quan-tri/ung-ho/hien-vat/moi",
        data={**FORM, "campaign_id": campaign.id, "unit_id": units["school"].id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    gift = db.session.execute(select(InKindGift)).scalar_one()
    assert (gift.asset, gift.quantity, gift.estimated_value) == ("RICE_G", 12_500, 300_000)
    assert ledger.balance("campaign:hoc-bong-thu", "RICE_G") == 12_500
    assert ledger.balance("campaign:hoc-bong-thu", "VND") == 0
    donation = db.session.execute(select(Donation)).scalar_one()
    assert donation.provider == "in_kind" and donation.asset == "RICE_G"
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "in_kind.record")
    ).scalar_one()
    assert audit.actor_id == user.id
    html = client.get("/quan-tri/ung-ho/hien-vat").get_data(as_text=True)
    assert "12,5 kg gạo" in html


def test_manager_cannot_record_for_another_unit(client, login_as, units, make_campaign):
    campaign = make_campaign(unit="province")
    login_as("manager", "a")
    response = client.post(
        "/quan-tri/ung-ho/hien-vat/moi",
        data={**FORM, "campaign_id": campaign.id, "unit_id": units["b"].id},
    )
    assert response.status_code == 422
    assert db.session.execute(select(func.count()).select_from(InKindGift)).scalar_one() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": "0"}, "lớn hơn 0"),
        ({"quantity": "-3"}, "Nhập số kg"),
        ({"quantity": "abc"}, "Nhập số kg"),
        ({"estimated_value": "-5"}, "lớn hơn 0"),
        ({"donor_name": ""}, "ẩn danh"),
        ({"received_on": (date.today() + timedelta(days=3)).isoformat()}, "tương lai"),
    ],
)
def test_bad_input_explained_and_nothing_posted(
    client, login_as, units, changes, message, make_campaign
):
    campaign = make_campaign(unit="province")
    login_as("treasurer")
    response = client.post(
        "/quan-tri/ung-ho/hien-vat/moi",
        data={**FORM, "campaign_id": campaign.id, "unit_id": units["a"].id, **changes},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert ledger.entry_count() == 0


def test_bicycles_use_unit_value_when_no_estimate(client, login_as, units, make_campaign):
    campaign = make_campaign(unit="province")
    login_as("admin")
    client.post(
        "/quan-tri/ung-ho/hien-vat/moi",
        data={
            **FORM,
            "asset": "BICYCLE",
            "quantity": "4",
            "estimated_value": "",
            "campaign_id": campaign.id,
            "unit_id": units["province"].id,
        },
    )
    gift = db.session.execute(select(InKindGift)).scalar_one()
    assert gift.quantity == 4 and gift.estimated_value == 4 * 1_800_000


def test_field_workers_cannot_record(client, login_as):
    login_as("field", "a")
    assert client.get("/quan-tri/ung-ho/hien-vat/moi").status_code == 403


def test_empty_list(client, login_as):
    login_as("auditor")
    assert "Chưa ghi nhận hiện vật nào" in client.get("/quan-tri/ung-ho/hien-vat").get_data(
        as_text=True
    )
