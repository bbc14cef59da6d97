"""Browser: a treasurer on a phone picks the suggested pledge for a transfer without a code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.dbtypes import utcnow
from app.extensions import db
from donations.bank.matching import Incoming, Matcher
from donations.pledges.models import PledgeStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_students import _login
from tests.fixtures.donations import FUND_ACCOUNT

pytestmark = pytest.mark.browser


def test_treasurer_picks_the_suggested_pledge(
    phone, live_server, make_user, make_campaign, make_bank_pledge
):
    make_campaign(unit="province", slug="quy-chung", title="Quỹ chung")
    campaign = make_campaign(unit="province", title="Học bổng Gợi ý")
    pledge = make_bank_pledge(campaign, amount=450_000, donor_name="Phạm Văn Gợi Ý")
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="browser-suggest",
            amount=450_000,
            memo="PHAM VAN GOI Y CHUYEN TIEN",
            occurred_at=utcnow(),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    treasurer = make_user("treasurer")
    _login(phone, live_server, treasurer)
    phone.goto(f"{live_server}/quan-tri/ung-ho/giao-dich/{tx.id}")
    suggestions = phone.locator("[data-suggestions]")
    expect(suggestions).to_contain_text(pledge.reference)
    expect(suggestions).to_contain_text("cùng số tiền")
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/i12-review-375.png", full_page=True)
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name=f"Chọn cam kết {pledge.reference}").click()
    expect(phone.get_by_text("Đã ghi nhận giao dịch thành khoản ủng hộ.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(type(pledge), pledge.id).status == PledgeStatus.paid
