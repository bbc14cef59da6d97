"""The review queue: treasurers assign or set aside transfers; every decision is audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.ledger import service as ledger
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from donations.pledges.models import PledgeStatus
from tests.fixtures.donations import FUND_ACCOUNT


@pytest.fixture
def waiting(ctx, make_bank_pledge, make_campaign):
    make_campaign(unit="province", slug="quy-chung", title="Quỹ chung")
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign, amount=300_000)
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="r-1",
            amount=300_000,
            memo="ung ho cac em",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    return {"tx": tx, "pledge": pledge, "campaign": campaign}


def test_queue_lists_waiting_transfers(client, login_as, waiting):
    login_as("treasurer")
    html = client.get("/quan-tri/ung-ho/giao-dich").get_data(as_text=True)
    assert "ung ho cac em" in html and "Chờ xử lý (1)" in html
    dashboard = client.get("/quan-tri/").get_data(as_text=True)
    assert "Giao dịch chờ xử lý" in dashboard


def test_empty_queue_says_so(client, login_as):
    login_as("treasurer")
    assert "Không có giao dịch nào chờ xử lý" in client.get("/quan-tri/ung-ho/giao-dich").get_data(
        as_text=True
    )


def test_assign_to_pledge(client, login_as, waiting):
    user = login_as("treasurer")
    tx, pledge = waiting["tx"], waiting["pledge"]
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan",
        data={"a-pledge_reference": pledge.reference.lower(), "a-campaign_id": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    tx = db.session.get(BankTransaction, tx.id)
    assert (
        tx.status == TxStatus.assigned
        and tx.pledge_id == pledge.id
        and tx.resolved_by_id == user.id
    )
    assert db.session.get(type(pledge), pledge.id).status == PledgeStatus.paid
    assert ledger.balance("campaign:hoc-bong-thu") == 300_000
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "bank_tx.assign")
    ).scalar_one()
    assert audit.actor_id == user.id and audit.target_id == str(tx.id)


def test_assign_defaults_to_general_fund(client, login_as, waiting):
    login_as("admin")
    client.post(
        f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/gan",
        data={"a-pledge_reference": "", "a-campaign_id": ""},
    )
    assert ledger.balance("campaign:quy-chung") == 300_000


def test_assign_to_chosen_campaign(client, login_as, waiting):
    login_as("treasurer")
    client.post(
        f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/gan",
        data={"a-pledge_reference": "", "a-campaign_id": str(waiting["campaign"].id)},
    )
    assert ledger.balance("campaign:hoc-bong-thu") == 300_000


def test_assign_twice_is_refused(client, login_as, waiting):
    login_as("treasurer")
    url = f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/gan"
    client.post(url, data={"a-campaign_id": ""})
    again = client.post(url, data={"a-campaign_id": ""})
    assert again.status_code == 422 and "đã được xử lý" in again.get_data(as_text=True)
    assert ledger.balance("campaign:quy-chung") == 300_000


def test_unknown_pledge_code_is_explained_and_nothing_changes(client, login_as, waiting):
    login_as("treasurer")
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/gan",
        data={"a-pledge_reference": "TS0000000X", "a-campaign_id": ""},
    )
    assert response.status_code == 422 and "Không có cam kết nào mang mã" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(BankTransaction, waiting["tx"].id).status == TxStatus.review
    assert ledger.balance("campaign:quy-chung") == 0


def test_not_a_donation_needs_a_reason(client, login_as, waiting):
    user = login_as("treasurer")
    url = f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/khong-phai-ung-ho"
    short = client.post(url, data={"d-reason": "x"})
    assert short.status_code == 422
    done = client.post(url, data={"d-reason": "Tiền lãi ngân hàng trả"})
    assert done.status_code == 302
    db.session.expire_all()
    tx = db.session.get(BankTransaction, waiting["tx"].id)
    assert tx.status == TxStatus.not_donation and tx.note == "Tiền lãi ngân hàng trả"
    assert ledger.entry_count() == 0
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "bank_tx.not_donation")
    ).scalar_one()
    assert audit.actor_id == user.id


@pytest.mark.parametrize("role", ["auditor", "manager", "field"])
def test_only_treasurers_and_admins_decide(client, login_as, waiting, role):
    login_as(role)
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}/gan", data={"a-campaign_id": ""}
    )
    assert response.status_code == 403
    assert ledger.entry_count() == 0


def test_auditor_reads_the_queue_and_raw_payload(client, login_as, waiting):
    login_as("auditor")
    html = client.get(f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}").get_data(as_text=True)
    assert "ung ho cac em" in html and "Ghi nhận là khoản ủng hộ" not in html


def test_pledge_list_filters(client, login_as, waiting):
    login_as("treasurer")
    html = client.get("/quan-tri/ung-ho/cam-ket?status=pending").get_data(as_text=True)
    assert waiting["pledge"].reference in html
    assert "Chưa có cam kết" in client.get("/quan-tri/ung-ho/cam-ket?status=paid").get_data(
        as_text=True
    )


def test_confirm_before_assigning(client, login_as, waiting):
    login_as("treasurer")
    html = client.get(f"/quan-tri/ung-ho/giao-dich/{waiting['tx'].id}").get_data(as_text=True)
    assert html.count("data-confirm=") >= 2
