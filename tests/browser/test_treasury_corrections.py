"""Browser: a transfer counted for the wrong campaign. The treasurer, on a phone, proposes to
take it back; an admin approves it; the campaign's public page then shows the corrected figure
and the transfer waits in the review queue again."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
import pytest

from app.extensions import db
from donations.bank import review
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, TxStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.conftest import PASSWORD
from tests.fixtures.donations import FUND_ACCOUNT

pytestmark = pytest.mark.browser


def _login(tab, base: str, user) -> None:
    tab.goto(f"{base}/dang-nhap")
    tab.fill("input[name=email]", user.email)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form button[type=submit]")
    if user.totp_enabled:
        tab.fill("input[name=code]", pyotp.TOTP(user.totp_secret).now())
        tab.click("form button[type=submit]")
    tab.wait_for_url(f"{base}/quan-tri/**")


def test_a_wrong_assignment_is_taken_back_with_four_eyes(
    browser, phone, live_server, make_user, make_campaign, give
):
    campaign = make_campaign("xe-dap-trinh-duyet", unit="a", title="Xe đạp trình duyệt")
    give(campaign, 1_000_000)
    treasurer, admin = make_user("treasurer"), make_user("admin")
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id="trinh-duyet-1",
            amount=450_000,
            memo="UNG HO BEP AN BAN TRU",
            occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    review.assign(treasurer, review.load_for_update(tx.id), campaign=campaign)
    db.session.commit()
    public = f"{live_server}/chien-dich/{campaign.slug}"

    _login(phone, live_server, treasurer)
    phone.goto(f"{live_server}/quan-tri/ung-ho/giao-dich/{tx.id}")
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Lý do đảo (người duyệt và kiểm toán sẽ đọc)").fill(
        "Gán nhầm: người chuyển ghi ủng hộ bếp ăn bán trú."
    )
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name="Đề xuất đảo ghi nhận").click()
    phone.get_by_text("giao dịch trở lại hàng chờ khi một người khác duyệt").wait_for()
    assert "Duyệt và ghi sổ" not in phone.content()  # the proposer cannot approve
    assert not has_horizontal_scroll(phone)
    proposal_url = phone.url

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    desk = context.new_page()
    desk.goto(public)
    assert "1.450.000 ₫" in desk.content()
    _login(desk, live_server, admin)
    desk.goto(proposal_url)
    desk.get_by_text("Bút toán được đảo").wait_for()
    desk.once("dialog", lambda d: d.accept())
    desk.get_by_role("button", name="Duyệt và ghi sổ").click()
    desk.get_by_text("và ghi sổ cái").first.wait_for()
    desk.goto(public)
    content = desk.content()
    assert "1.000.000 ₫" in content and "1.450.000 ₫" not in content
    desk.goto(f"{live_server}/quan-tri/ung-ho/giao-dich")
    desk.get_by_text("UNG HO BEP AN BAN TRU").wait_for()
    context.close()

    db.session.expire_all()
    assert db.session.get(BankTransaction, tx.id).status == TxStatus.review
