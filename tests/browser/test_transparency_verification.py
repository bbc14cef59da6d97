"""Browser (phone, 375 px): a donor opens the trace of a gift and its proof; the browser checks
the proof itself and says "verified"; an entry altered in the database is caught."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db
from donations.receipts.models import Receipt
from donations.receipts.services import check_token
from donations.recording import record_donation
from tests.browser.conftest import has_horizontal_scroll
from tests.fixtures.database import fresh
from transparency.verification import services as verification

pytestmark = pytest.mark.browser


def _gift(campaign, give):
    for i in range(5):
        give(campaign, 100_000 + i, label=f"Người ủng hộ {i}")
    record_donation(
        campaign=campaign,
        amount=500_000,
        provider="sepay",
        provider_ref="SP-BROWSER-1",
        idempotency_key="bank:sepay:SP-BROWSER-1",
    )
    db.session.commit()
    verification.sign_head()
    db.session.commit()
    give(campaign, 70_000)  # after the signed head: the proof is for the signed tree
    [receipt] = fresh(Receipt)
    return receipt


def test_trace_and_proof_verify_on_a_phone(phone, live_server, campaign, give, tmp_path):
    receipt = _gift(campaign, give)
    phone.goto(f"{live_server}/bien-nhan/kiem-tra/{check_token(receipt)}")
    box = phone.locator("[data-ledger-proof]")
    phone.wait_for_selector("[data-ledger-proof][data-verified]")
    assert box.get_attribute("data-verified") == "ok"
    assert "Đã kiểm chứng" in phone.locator("[data-proof-status]").inner_text()
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "receipt-check.png"), full_page=True)

    phone.get_by_role("link", name="Xem số tiền này đã đi đâu").click()
    phone.wait_for_url(f"**/truy-vet/{receipt.number}")
    assert "đã đi đâu" in phone.locator("h1").inner_text()
    assert "500.000" in phone.locator("main").inner_text()
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "trace.png"), full_page=True)

    phone.goto(f"{live_server}/xac-minh/{receipt.ledger_seq}")
    phone.wait_for_selector("[data-ledger-proof][data-verified]")
    assert phone.locator("[data-ledger-proof]").get_attribute("data-verified") == "ok"
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "proof.png"), full_page=True)

    phone.goto(f"{live_server}/xac-minh/{receipt.ledger_seq}?lang=en")
    phone.wait_for_selector("[data-ledger-proof][data-verified]")
    assert (
        "Verified: your browser has just recomputed the entry's hash"
        in phone.locator("[data-proof-status]").inner_text()
    )

    phone.goto(f"{live_server}/xac-minh")
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "verification.png"), full_page=True)


def test_an_entry_altered_in_the_database_fails_in_the_browser(phone, live_server, campaign, give):
    receipt = _gift(campaign, give)
    db.session.execute(
        text("UPDATE ledger_entries SET amount = 5000000 WHERE seq = :seq"),
        {"seq": receipt.ledger_seq},
    )
    db.session.commit()
    phone.goto(f"{live_server}/xac-minh/{receipt.ledger_seq}")
    phone.wait_for_selector("[data-ledger-proof][data-verified]")
    assert phone.locator("[data-ledger-proof]").get_attribute("data-verified") == "fail"
    assert "KHÔNG khớp" in phone.locator("[data-proof-status]").inner_text()


def test_campaign_tab_and_a_traced_round_read_on_a_phone(phone, live_server, world, tmp_path):
    campaign = world["campaign"]
    phone.goto(f"{live_server}/chien-dich/{campaign.slug}")
    phone.get_by_role("link", name="Xem chi tiết: theo ngày, theo đợt trao, hoá đơn").click()
    phone.wait_for_url(f"**/chien-dich/{campaign.slug}/minh-bach")
    assert phone.locator("svg.chart").count() >= 2
    assert "Đợt phạm vi" in phone.locator("main").inner_text()
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "tab.png"), full_page=True)

    phone.goto(f"{live_server}/truy-vet/{world['entry'].ref}")
    text_ = phone.locator("main").inner_text()
    assert "Đã trao tận tay ngày" in text_ and world["student"].full_name not in text_
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path=str(tmp_path / "trace-round.png"), full_page=True)
