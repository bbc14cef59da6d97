"""Helpers shared by the bank-transfer tests: campaigns, pledges, signed notifications."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from datetime import date

from app.extensions import db
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from donations.pledges import services

SEPAY_KEY = "sepay-test-key-1234567890"
CASSO_SECRET = "casso-test-secret-abcdefghijklmnop"
FUND_ACCOUNT = "0011001932418"
_ids = itertools.count(1000)


def make_campaign(
    units=None, slug: str = "hoc-bong-thu", status=CampaignStatus.published, title=None
):
    """A committed campaign (published by default) in the province unit."""
    from app.units.models import Unit

    unit = units["province"] if units else db.session.query(Unit).first()
    campaign = Campaign(
        slug=slug,
        title=title or f"Chiến dịch {slug}",
        kind=CampaignKind.scholarship if slug != "quy-chung" else CampaignKind.general,
        status=status,
        unit_id=unit.id,
        starts_on=date(2026, 1, 1),
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def make_pledge(campaign, amount: int = 200_000, **kwargs):
    """A committed bank-transfer pledge."""
    values = {"donor_name": "Nhà hảo tâm Thử", "email": "nht@example.org", **kwargs}
    pledge = services.create_pledge(
        services.PledgeRequest(campaign=campaign, amount=amount, **values)
    )
    db.session.commit()
    return pledge


def sepay_body(
    memo: str,
    amount: int = 200_000,
    *,
    tx_id=None,
    account=FUND_ACCOUNT,
    kind="in",
    when="2026-11-20 10:15:00",
    reference=None,
) -> dict:
    """A SePay notification body as documented in VIETQR.md §3."""
    return {
        "id": tx_id if tx_id is not None else next(_ids),
        "gateway": "VietinBank",
        "transactionDate": when,
        "accountNumber": account,
        "code": None,
        "content": memo,
        "transferType": kind,
        "transferAmount": amount,
        "accumulated": 10_000_000,
        "subAccount": None,
        "referenceCode": reference or f"FT{next(_ids)}",
        "description": memo,
    }


def post_sepay(client, body, key: str = SEPAY_KEY):
    """POST a SePay notification with its API key."""
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(
        "/webhooks/bank/sepay",
        data=data,
        headers={"Authorization": f"Apikey {key}", "Content-Type": "application/json"},
    )


def casso_body(
    memo: str,
    amount: int = 200_000,
    *,
    tx_id=None,
    account=FUND_ACCOUNT,
    when="2026-11-20 10:15:00",
    reference="",
) -> dict:
    """A Casso webhook v2 body."""
    return {
        "error": 0,
        "data": {
            "id": tx_id if tx_id is not None else next(_ids),
            "reference": reference,
            "description": memo,
            "amount": amount,
            "runningBalance": 25_000_000,
            "transactionDateTime": when,
            "accountNumber": account,
            "bankName": "VietinBank",
            "bankAbbreviation": "CTG",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NGUYEN VAN THU",
            "counterAccountNumber": "123456789",
            "counterAccountBankId": "970436",
            "counterAccountBankName": "Vietcombank",
        },
    }


def casso_headers(body: dict, secret: str = CASSO_SECRET, t: int | None = None) -> dict:
    """X-Casso-Signature as Casso computes it."""
    t = int(time.time() * 1000) if t is None else t
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    v1 = hmac.new(secret.encode(), f"{t}.{canonical}".encode(), hashlib.sha512).hexdigest()
    return {"X-Casso-Signature": f"t={t},v1={v1}", "Content-Type": "application/json"}


def post_casso(client, body: dict, **kwargs):
    """POST a signed Casso notification."""
    return client.post(
        "/webhooks/bank/casso", data=json.dumps(body), headers=casso_headers(body, **kwargs)
    )


def limited_app(make_app, **settings):
    """An app with rate limits on. The limiter is one shared object, so a test using this must
    call `unlimit()` afterwards, or later tests would meet its counters."""
    return make_app(RATELIMIT_ENABLED=True, **settings)


def unlimit():
    """Turn the shared limiter back off and forget its counters."""
    from app.extensions import limiter

    limiter.reset()
    limiter.enabled = False
