"""Hostile or broken bank input on the notification side: stored for review with a clear reason
(answered 2xx, so it is not retried forever), never posted, never posted twice."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import LedgerEntry
from donations.bank.models import BankTransaction, TxStatus
from tests.fixtures.donations import (
    CASSO_SECRET,
    SEPAY_KEY,
    casso_body,
    post_casso,
    post_sepay,
    sepay_body,
)


@pytest.fixture(autouse=True)
def keys(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    monkeypatch.setitem(app.config, "CASSO_WEBHOOK_SECRET", CASSO_SECRET)


@pytest.fixture
def pledge(make_bank_pledge, make_campaign):
    return make_bank_pledge(make_campaign(unit="province"), amount=200_000)


def stored() -> list[BankTransaction]:
    db.session.expire_all()
    return list(db.session.execute(select(BankTransaction).order_by(BankTransaction.id)).scalars())


def entries() -> int:
    return db.session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


@pytest.mark.parametrize("amount", [10**16, 9_223_372_036_854_775_808, 10**40])
def test_sepay_oversized_amount_is_kept_for_review_once(client, pledge, amount):
    body = sepay_body(pledge.reference, amount=amount, tx_id=4242)
    first = post_sepay(client, body)
    again = post_sepay(client, body)  # the provider's retry finds it stored
    assert first.status_code == again.status_code == 200
    (tx,) = stored()
    assert tx.status == TxStatus.review and tx.amount == 0
    assert "lớn bất thường" in tx.note and str(len(str(amount))) in tx.note
    assert tx.raw["transferAmount"] == amount  # the original is kept as evidence
    assert entries() == 0


def test_casso_oversized_negative_amount_is_kept_for_review(client, pledge):
    response = post_casso(client, casso_body(pledge.reference, amount=-(10**30)))
    assert response.status_code == 200
    (tx,) = stored()
    assert tx.status == TxStatus.review and tx.amount == 0 and "«amount»" in tx.note
    assert entries() == 0


def test_overlong_id_is_kept_for_review_under_a_digest(client, pledge):
    body = sepay_body(pledge.reference, tx_id=10**150)
    assert post_sepay(client, body).status_code == 200
    assert post_sepay(client, body).status_code == 200
    (tx,) = stored()
    assert tx.provider_id.startswith("sha256:") and tx.status == TxStatus.review
    assert "dài bất thường" in tx.note and entries() == 0


def test_oversized_balance_in_the_payload_does_not_matter(client, pledge):
    body = sepay_body(pledge.reference)
    body["accumulated"] = 10**60
    assert post_sepay(client, body).status_code == 200
    assert stored()[0].status == TxStatus.matched
    assert ledger.balance("campaign:hoc-bong-thu") == 200_000


def test_number_too_long_for_json_is_refused_as_bad_payload(client, pledge):
    raw = json.dumps(sepay_body(pledge.reference)).replace(
        '"transferAmount": 200000', '"transferAmount": ' + "9" * 5000
    )
    response = post_sepay(client, raw)
    assert response.status_code == 400 and stored() == []


@pytest.mark.parametrize("account", ["999888777", "0011001932418 ", "00110019324189"])
def test_another_account_number_is_never_credited(client, pledge, account):
    post_sepay(client, sepay_body(pledge.reference, account=account))
    (tx,) = stored()
    if account.strip() == "0011001932418":
        # Spaces around the fund's own number are only formatting.
        assert tx.status == TxStatus.matched
        return
    assert tx.status == TxStatus.review and account.strip() in tx.note
    assert entries() == 0
