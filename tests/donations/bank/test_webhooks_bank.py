"""SePay and Casso notifications: authenticated, stored once, committed before 2xx."""

from __future__ import annotations

import json
import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import service as ledger
from donations.bank import matching
from donations.bank.models import BankTransaction, TxStatus
from donations.bank.webhooks import casso_signature, verify_casso
from donations.models import Donation
from donations.pledges.models import PledgeStatus
from tests.fixtures.donations import (
    CASSO_SECRET,
    SEPAY_KEY,
    casso_body,
    casso_headers,
    post_casso,
    post_sepay,
    sepay_body,
)

CASSO_SAMPLE_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
CASSO_SAMPLE_BODY = '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich thu nghiem","amount":599000,"runningBalance":25000000,"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888","bankName":"VPBank","bankAbbreviation":"VPB","virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A","counterAccountNumber":"8888888888","counterAccountBankId":"970415","counterAccountBankName":"VietinBank"}}'
CASSO_SAMPLE_V1 = "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    monkeypatch.setitem(app.config, "CASSO_WEBHOOK_SECRET", CASSO_SECRET)


@pytest.fixture
def pledge(make_bank_pledge, make_campaign):
    return make_bank_pledge(make_campaign(unit="province"), amount=200_000)


def tx_count() -> int:
    return db.session.execute(select(func.count()).select_from(BankTransaction)).scalar_one()


def donation_count() -> int:
    return db.session.execute(select(func.count()).select_from(Donation)).scalar_one()


def test_casso_published_sample_verifies():
    body = json.loads(CASSO_SAMPLE_BODY)
    assert casso_signature(CASSO_SAMPLE_KEY, "1727948258788", body) == CASSO_SAMPLE_V1
    header = f"t=1727948258788,v1={CASSO_SAMPLE_V1}"
    assert verify_casso(header, body, CASSO_SAMPLE_KEY, max_age=None) is None
    assert verify_casso(header, body, CASSO_SAMPLE_KEY + "x", max_age=None) == "Chữ ký không đúng."
    # The same sample, signed long ago, is refused as stale when freshness is checked.
    assert "quá cũ" in verify_casso(header, body, CASSO_SAMPLE_KEY)


def test_sepay_match_commits_before_answering(client, pledge):
    response = post_sepay(client, sepay_body(f"{pledge.reference} ung ho", 200_000, tx_id=555))
    assert response.status_code == 200 and response.json == {"success": True}
    # The client ran in its own session: what we see here was committed.
    tx = db.session.execute(select(BankTransaction)).scalar_one()
    assert (tx.provider, tx.provider_id, tx.status) == ("sepay", "555", TxStatus.matched)
    assert tx.raw["content"] == f"{pledge.reference} ung ho"
    db.session.refresh(pledge)
    assert pledge.status == PledgeStatus.paid and pledge.received == 200_000
    assert ledger.balance("campaign:hoc-bong-thu") == 200_000
    status = client.get(f"/ung-ho/p/{pledge.reference}/trang-thai").json
    assert status["status"] == "paid" and status["campaign_raised"] == 200_000


def test_replayed_notification_counts_once(client, pledge):
    body = sepay_body(pledge.reference, tx_id=777)
    assert post_sepay(client, body).status_code == 200
    assert post_sepay(client, body).status_code == 200
    assert tx_count() == 1 and donation_count() == 1
    assert ledger.balance("campaign:hoc-bong-thu") == 200_000


@pytest.mark.parametrize("header_key", ["", "wrong-key", SEPAY_KEY + "x"])
def test_sepay_wrong_key_refused_and_nothing_stored(client, pledge, header_key):
    response = post_sepay(client, sepay_body(pledge.reference), key=header_key)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert tx_count() == 0


def test_sepay_without_configured_key_is_503(client, app, monkeypatch, pledge):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", "")
    response = post_sepay(client, sepay_body(pledge.reference), key="")
    assert response.status_code == 503 and response.json["error"]["code"] == "not_configured"


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda b: b.update(transferAmount="200000"), "transferAmount"),
        (lambda b: b.update(transferAmount=-5), "không được âm"),
        (lambda b: b.update(transferAmount=200000.5), "transferAmount"),
        (lambda b: b.update(transferAmount=True), "transferAmount"),
        (lambda b: b.pop("id"), "id"),
        (lambda b: b.update(transferType="sideways"), "transferType"),
        (lambda b: b.update(transactionDate="20/11/2026"), "transactionDate"),
        (lambda b: b.pop("transactionDate"), "transactionDate"),
    ],
)
def test_sepay_bad_fields_are_4xx(client, pledge, mutate, fragment):
    body = sepay_body(pledge.reference)
    mutate(body)
    response = post_sepay(client, body)
    assert response.status_code == 400
    assert fragment in response.json["error"]["message"]
    assert tx_count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_malformed_json_is_400(client, raw):
    response = post_sepay(client, raw)
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_payload"
    assert tx_count() == 0


def test_sepay_out_and_foreign_account_are_stored_not_counted(client, pledge):
    post_sepay(client, sepay_body(pledge.reference, kind="out"))
    post_sepay(client, sepay_body(pledge.reference, account="12345678"))
    statuses = db.session.execute(select(BankTransaction.status)).scalars().all()
    assert statuses == [TxStatus.ignored, TxStatus.review]
    assert donation_count() == 0


def test_internal_failure_answers_500_and_keeps_nothing(client, pledge, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(matching, "record_donation", broken)
        response = post_sepay(client, sepay_body(pledge.reference, tx_id=888))
    assert response.status_code == 500
    assert tx_count() == 0  # nothing half-saved: the provider's retry will store it
    assert post_sepay(client, sepay_body(pledge.reference, tx_id=888)).status_code == 200
    assert tx_count() == 1 and donation_count() == 1


def test_casso_signed_notification_matches(client, pledge):
    response = post_casso(client, casso_body(f"CT {pledge.reference} ung ho", 200_000, tx_id=42))
    assert response.status_code == 200 and response.json["success"] is True
    tx = db.session.execute(select(BankTransaction)).scalar_one()
    assert (tx.provider, tx.provider_id, tx.status) == ("casso", "42", TxStatus.matched)


def test_casso_negative_amount_is_money_out(client, pledge):
    post_casso(client, casso_body(pledge.reference, -50_000))
    tx = db.session.execute(select(BankTransaction)).scalar_one()
    assert tx.direction == "out" and tx.status == TxStatus.ignored and tx.amount == 50_000


def test_casso_wrong_signature_refused(client, pledge):
    body = casso_body(pledge.reference)
    response = client.post(
        "/webhooks/bank/casso", data=json.dumps(body), headers=casso_headers(body, secret="nope")
    )
    assert response.status_code == 401 and tx_count() == 0
    missing = client.post(
        "/webhooks/bank/casso", data=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert missing.status_code == 401


def test_casso_body_changed_after_signing_refused(client, pledge):
    body = casso_body(pledge.reference, 200_000)
    headers = casso_headers(body)
    body["data"]["amount"] = 2_000_000
    response = client.post("/webhooks/bank/casso", data=json.dumps(body), headers=headers)
    assert response.status_code == 401 and tx_count() == 0


def test_casso_stale_timestamp_refused(client, pledge):
    body = casso_body(pledge.reference)
    old = int(time.time() * 1000) - 10 * 60 * 1000
    response = client.post(
        "/webhooks/bank/casso", data=json.dumps(body), headers=casso_headers(body, t=old)
    )
    assert response.status_code == 401 and "quá cũ" in response.json["error"]["message"]
    assert tx_count() == 0


def test_casso_amount_as_string_refused(client, pledge):
    body = casso_body(pledge.reference)
    body["data"]["amount"] = "200000"
    response = post_casso(client, body)
    assert response.status_code == 400 and tx_count() == 0


@pytest.mark.commits  # fifty threads, each with its own connection
def test_fifty_concurrent_copies_make_one_donation(app, pledge):
    """The same notification 50 times at once (PostgreSQL is where this really bites)."""
    body = json.dumps(sepay_body(pledge.reference, 200_000, tx_id=99_999))
    barrier = threading.Barrier(50)
    codes: list[int] = []
    lock = threading.Lock()

    def send():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/webhooks/bank/sepay",
            data=body,
            headers={"Authorization": f"Apikey {SEPAY_KEY}", "Content-Type": "application/json"},
        )
        with lock:
            codes.append(response.status_code)

    threads = [threading.Thread(target=send) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 50
    assert all(code == 200 for code in codes), codes
    assert tx_count() == 1 and donation_count() == 1
    assert ledger.balance("campaign:hoc-bong-thu") == 200_000
    db.session.refresh(pledge)
    assert pledge.received == 200_000
