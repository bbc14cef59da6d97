"""Public API v1: POST /api/v1/pledges and GET /api/v1/pledges/<reference> (DESIGN.md §8)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from campaigns.models import CampaignStatus
from donations.bank.vietqr import parse_payload
from donations.pledges.models import Pledge

GOOD = {
    "campaign": "hoc-bong-thu",
    "amount": 250_000,
    "donor_name": "Anh Thử",
    "anonymous": False,
    "email": "thu@example.org",
    "message": "Cố lên các em",
}


def post(client, body):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/api/v1/pledges", data=data, content_type="application/json")


def pledges() -> int:
    return db.session.execute(select(func.count()).select_from(Pledge)).scalar_one()


def test_create_and_read(client, make_campaign):
    make_campaign(unit="province")
    response = post(client, GOOD)
    assert response.status_code == 201
    body = response.json
    assert set(body) >= {
        "reference",
        "amount",
        "vietqr_payload",
        "qr_png_url",
        "bank",
        "status_url",
    }
    assert body["amount"] == 250_000
    assert body["bank"] == {
        "bin": "970415",
        "account_number": "0011001932418",
        "account_name": "QUY THAP SANG UOC MO",
    }
    parsed = parse_payload(body["vietqr_payload"])
    assert parsed.amount == 250_000 and parsed.memo.startswith(body["reference"])
    assert client.get(body["qr_png_url"].replace("http://localhost", "")).status_code == 200
    status = client.get(f"/api/v1/pledges/{body['reference']}")
    assert status.json == {
        "reference": body["reference"],
        "campaign": "hoc-bong-thu",
        "amount": 250_000,
        "received": 0,
        "status": "pending",
    }
    assert "set-cookie" not in {name.lower() for name, _value in response.headers}


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"amount": "250000"}, 422, "invalid"),
        ({"amount": -1}, 422, "invalid"),
        ({"amount": 250000.0}, 422, "invalid"),
        ({"amount": 5_000}, 422, "invalid"),
        ({"amount": True}, 422, "invalid"),
        ({"campaign": "khong-co"}, 404, "campaign_not_found"),
        ({"campaign": None}, 422, "invalid"),
        ({"email": "abc"}, 422, "invalid"),
        ({"anonymous": "yes"}, 422, "invalid"),
        ({"donor_name": 5}, 422, "invalid"),
        ({"extra": 1}, 422, "unknown_field"),
    ],
)
def test_bad_requests(client, change, status, code, make_campaign):
    make_campaign(unit="province")
    response = post(client, {**GOOD, **change})
    assert response.status_code == status
    assert response.json["error"]["code"] == code and response.json["error"]["message"]
    assert pledges() == 0


@pytest.mark.parametrize("raw", [b"{", b"[]", b"\xff", b""])
def test_malformed_json(client, raw):
    response = post(client, raw)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_json"


def test_closed_campaign_is_409(client, make_campaign):
    make_campaign(unit="province", status=CampaignStatus.closed)
    response = post(client, GOOD)
    assert response.status_code == 409 and response.json["error"]["code"] == "campaign_closed"
    assert pledges() == 0


def test_unknown_reference_is_404_json(client):
    response = client.get("/api/v1/pledges/TS0000000A")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_rate_limited(make_campaign, make_limited_app):
    make_campaign(unit="province")
    client = make_limited_app(PLEDGE_RATE_LIMIT="2 per minute").test_client()
    codes = [post(client, GOOD).status_code for _ in range(4)]
    last = post(client, GOOD)
    assert codes == [201, 201, 429, 429]
    assert last.json["error"]["code"] == "rate_limited"
