"""Public API v1: campaigns list and detail."""

from __future__ import annotations

from app.extensions import db
from app.ledger import service as ledger


def test_list_has_visible_campaigns_with_raised(client, make_campaign, give):
    a = make_campaign("mot")
    make_campaign("hai", status="closed", kind="rice_jar")
    make_campaign("nhap", status="draft")
    give(a, 700_000)
    body = client.get("/api/v1/campaigns").get_json()
    assert body["total"] == 2
    first = next(c for c in body["campaigns"] if c["slug"] == "mot")
    assert first["raised"] == {"VND": 700_000}
    assert first["goals"] == [{"asset": "VND", "target": 10_000_000, "label": ""}]
    assert [
        c["slug"] for c in client.get("/api/v1/campaigns?kind=rice_jar").get_json()["campaigns"]
    ] == ["hai"]


def test_detail_figures(client, make_campaign, give):
    campaign = make_campaign("mot")
    give(campaign, 1_000_000, label="Chị Lụa")
    ledger.post(
        source=campaign.account,
        destination="student:HS-TEST1",
        asset="VND",
        amount=400_000,
        kind="allocation",
        ref="PB-1",
        idempotency_key="api:a1",
    )
    db.session.commit()
    body = client.get("/api/v1/campaigns/mot").get_json()
    assert body["status"] == "published"
    assert body["raised"] == {"VND": 1_000_000} and body["allocated"] == {"VND": 400_000}
    assert body["balance"] == {"VND": 600_000} and body["gifts"] == 1
    assert body["recent_gifts"][0]["name"] == "Chị Lụa"


def test_errors_are_json(client, make_campaign):
    make_campaign("nhap", status="draft")
    for url in ("/api/v1/campaigns/khong-co", "/api/v1/campaigns/nhap"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/campaigns?per_page=5000")
    assert bad.status_code == 400 and "per_page" in bad.get_json()["error"]["message"]
    assert client.get("/api/v1/campaigns?status=draft").status_code == 400
