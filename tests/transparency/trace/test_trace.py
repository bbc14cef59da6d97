"""GET /api/v1/trace/<reference> and /truy-vet/<reference> on real rounds and expenses."""

from __future__ import annotations

from app.approvals import services as approvals
from app.extensions import db
from app.ledger import service as ledger
from donations.receipts.models import Receipt
from donations.receipts.services import check_token
from donations.recording import record_donation
from tests.fixtures.database import fresh


def _pay_expense(world, make_user):
    approvals.approve(make_user("treasurer"), world["expense"].proposal.public_id)
    db.session.commit()


def test_a_gift_is_traced_to_its_round_and_invoice(client, world, make_user):
    _pay_expense(world, make_user)
    ref = world["entry"].ref
    body = client.get(f"/api/v1/trace/{ref.lower()}").get_json()
    assert body["reference"] == ref and body["campaign"]["slug"] == "chien-dich-huyen-a"
    assert body["gifts"] == [
        {
            "seq": world["entry"].seq,
            "at": body["gifts"][0]["at"],
            "asset": "VND",
            "amount": 5_000_000,
        }
    ]
    by_kind = {u["kind"]: u for u in body["uses"]}
    allocation, expense = by_kind["allocation"], by_kind["expense"]
    assert allocation["amount"] == 100_000 and allocation["handed_over"] is True
    assert allocation["round"]["title"] == "Đợt phạm vi"
    student = world["student"]
    assert allocation["beneficiary"]["grade"] == student.grade
    assert set(allocation["beneficiary"]) == {"initials", "grade", "school", "commune"}
    assert expense["amount"] == 200_000 and expense["supplier"] == "Công ty Xây dựng Phạm Vi"
    assert expense["invoice_number"] == "0000001"
    total = sum(u["amount"] for u in body["uses"]) + body["unattributed"]["VND"]
    assert total == 5_000_000

    page = client.get(f"/truy-vet/{ref}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Đã trao tận tay ngày" in html and "0000001" in html and "Đợt phạm vi" in html
    assert student.full_name not in html and student.full_name not in str(body)
    assert "4.700.000" in html  # what is still waiting in the campaign


def test_fees_and_refunds_and_a_later_gift(client, campaign, give):
    first = give(campaign, 300_000)
    second = give(campaign, 200_000)
    ledger.post(
        source=campaign.account,
        destination="fees:stripe",
        asset="VND",
        amount=10_000,
        kind="fee",
        ref=second.ref,
        idempotency_key="t:fee",
    )
    ledger.post(
        source=campaign.account,
        destination="world",
        asset="VND",
        amount=50_000,
        kind="refund",
        ref=second.ref,
        idempotency_key="t:refund",
    )
    db.session.commit()
    one = client.get(f"/api/v1/trace/{first.ref}").get_json()
    two = client.get(f"/api/v1/trace/{second.ref}").get_json()
    assert [(u["kind"], u["amount"]) for u in one["uses"]] == [("fee", 10_000)]
    assert one["unattributed"] == {"VND": 290_000}
    assert [(u["kind"], u["amount"]) for u in two["uses"]] == [("returned", 50_000)]
    assert two["unattributed"] == {"VND": 150_000}


def test_by_receipt_number_and_links_from_the_receipt(client, campaign):
    record_donation(
        campaign=campaign,
        amount=75_000,
        provider="sepay",
        provider_ref="SP-TRACE-1",
        idempotency_key="bank:sepay:SP-TRACE-1",
    )
    db.session.commit()
    [receipt] = fresh(Receipt)
    body = client.get(f"/api/v1/trace/{receipt.number}").get_json()
    assert body["gifts"][0]["amount"] == 75_000 and body["unattributed"] == {"VND": 75_000}
    check = client.get(f"/bien-nhan/kiem-tra/{check_token(receipt)}").get_data(as_text=True)
    assert f"/truy-vet/{receipt.number}" in check
    assert client.get(f"/truy-vet/{receipt.number}").status_code == 200


def test_unknown_references_get_404(client):
    answer = client.get("/api/v1/trace/TS0000000A")
    assert answer.status_code == 404 and answer.get_json()["error"]["message"]
    page = client.get("/truy-vet/TS0000000A")
    assert page.status_code == 404 and "Không tìm thấy" in page.get_data(as_text=True)
    assert client.get("/truy-vet?ma=abc").status_code == 302
    assert client.get("/truy-vet").status_code == 200


def test_the_pledge_page_links_its_trace_once_money_arrived(
    app, client, campaign, make_bank_pledge
):
    pledge = make_bank_pledge(campaign, 150_000)
    with app.test_request_context():
        from donations.pledges.views import pledge_url

        url = pledge_url(pledge)
    assert "/truy-vet/" not in client.get(url).get_data(as_text=True)
    record_donation(
        campaign=campaign,
        amount=150_000,
        provider="sepay",
        provider_ref="SP-PLEDGE-1",
        idempotency_key="bank:sepay:SP-PLEDGE-1",
        pledge=pledge,
    )
    db.session.commit()
    assert f"/truy-vet/{pledge.reference}" in client.get(url).get_data(as_text=True)
    body = client.get(f"/api/v1/trace/{pledge.reference}").get_json()
    assert body["gifts"][0]["amount"] == 150_000


def test_a_trace_asked_again_sees_what_was_posted_since(client, campaign, give):
    gift = give(campaign, 100_000)
    assert client.get(f"/api/v1/trace/{gift.ref}").get_json()["uses"] == []
    ledger.post(
        source=campaign.account,
        destination="fees:stripe",
        asset="VND",
        amount=4_000,
        kind="fee",
        ref=gift.ref,
        idempotency_key="t:fee:again",
    )
    db.session.commit()
    again = client.get(f"/api/v1/trace/{gift.ref}").get_json()
    assert [(u["kind"], u["amount"]) for u in again["uses"]] == [("fee", 4_000)]
    assert again["unattributed"] == {"VND": 96_000}


def test_traces_are_rate_limited_per_visitor(rate_limited_app):
    client = rate_limited_app.test_client()
    answers = [client.get("/api/v1/trace/TS0000000A").status_code for _ in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429
