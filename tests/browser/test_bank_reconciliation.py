"""Browser, on a phone: a possible duplicate compared side by side and merged; a month's
statement entered, the month closed at zero and its public page read."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from app.extensions import db
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import BankTransaction, StatementImport, TxStatus
from tests.browser.conftest import has_horizontal_scroll
from tests.browser.test_treasury_corrections import _login
from tests.fixtures.donations import FUND_ACCOUNT

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOTS_DIR")


def _shot(tab, name: str) -> None:
    if SHOTS:
        tab.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _report(provider: str, provider_id: str, memo: str, reference: str = "") -> BankTransaction:
    tx, _ = Matcher().receive(
        Incoming(
            provider=provider,
            provider_id=provider_id,
            amount=300_000,
            memo=memo,
            bank_reference=reference,
            occurred_at=datetime(2026, 11, 18, 2, 30, tzinfo=UTC),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    return tx


def test_possible_duplicate_merged_then_month_closed(
    phone, live_server, make_user, make_campaign, make_bank_pledge
):
    campaign = make_campaign("bep-an-trinh-duyet", unit="province", title="Bếp ăn trình duyệt")
    pledge = make_bank_pledge(campaign, amount=300_000)
    first = _report("sepay", "tr-1", f"{pledge.reference} ung ho bep an", "FT26322001")
    second = _report("casso", "tr-2", "IBFT NGUYEN THI LAN CHUYEN TIEN")
    assert second.status == TxStatus.review and second.maybe_twin_of_id == first.id
    statement = StatementImport(filename="sao-ke-thang-11.csv", sha256="c0ffee" + "0" * 58)
    db.session.add(statement)
    db.session.commit()
    treasurer = make_user("treasurer")

    _login(phone, live_server, treasurer)
    phone.goto(f"{live_server}/quan-tri/ung-ho/giao-dich/{second.id}")
    phone.get_by_text("Có thể là cùng một giao dịch").wait_for()
    assert "IBFT NGUYEN THI LAN CHUYEN TIEN" in phone.content()
    assert f"{pledge.reference} ung ho bep an" in phone.content()
    assert not has_horizontal_scroll(phone)
    _shot(phone, "bank-twin-compare")
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name=f"Cùng một giao dịch: #{second.id} trùng #{first.id}").click()
    phone.get_by_text("Đã ghi nhận là cùng một giao dịch").wait_for()

    phone.goto(f"{live_server}/quan-tri/doi-soat/2026-11")
    phone.get_by_label("Số dư đầu kỳ (theo sao kê)").fill("10.000.000")
    phone.get_by_label("Số dư cuối kỳ (theo sao kê)").fill("10.300.000")
    phone.get_by_label("Tệp sao kê đã nhập").select_option(str(statement.id))
    phone.get_by_role("button", name="Lưu số dư").click()
    phone.get_by_text("Ngân hàng và sổ cái khớp nhau").wait_for()
    assert not has_horizontal_scroll(phone)
    _shot(phone, "bank-month-open")
    phone.once("dialog", lambda d: d.accept())
    phone.get_by_role("button", name="Chốt tháng").click()
    phone.get_by_text("Đã chốt đối soát tháng 11/2026").wait_for()

    phone.goto(f"{live_server}/doi-soat/2026-11")
    content = phone.content()
    assert "10.300.000 ₫" in content and statement.sha256 in content
    assert pledge.reference not in content
    assert not has_horizontal_scroll(phone)
    _shot(phone, "bank-month-public")
    db.session.expire_all()
    assert db.session.get(BankTransaction, second.id).status == TxStatus.duplicate
