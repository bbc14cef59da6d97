"""The whole VietQR journey on a phone: campaign → pledge → QR page → bank says paid → page updates."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from app.ledger import service as ledger
from tests.browser.conftest import has_horizontal_scroll
from tests.fixtures.donations import SEPAY_KEY, sepay_body

pytestmark = pytest.mark.browser


def test_vietqr_journey(phone, live_server, app, monkeypatch, make_campaign):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    make_campaign(unit="province", slug="hoc-bong-thu", title="Học bổng Thử nghiệm")
    ledger.post(
        source="world",
        destination="campaign:hoc-bong-thu",
        asset="VND",
        amount=1_000_000,
        kind="donation",
        ref="TSOPENING",
        idempotency_key="test:opening",
    )
    from app.extensions import db

    db.session.commit()

    phone.goto(f"{live_server}/chien-dich/hoc-bong-thu")
    donate = phone.get_by_role("link", name="Ủng hộ ngay")
    if donate.count():
        donate.first.click()
    else:  # the campaign page belongs to another part; the form is what we test here
        phone.goto(f"{live_server}/ung-ho/hoc-bong-thu")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Học bổng Thử nghiệm")
    phone.get_by_text("500.000 ₫").click()
    phone.get_by_label("Tên hiển thị").fill("Bạn Thử Nghiệm")
    phone.get_by_label("E-mail nhận biên nhận").fill("thu@example.org")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Tiếp tục").click()

    expect(phone.get_by_text("Đang chờ ngân hàng báo tiền về")).to_be_visible()
    reference = re.search(r"/ung-ho/p/(TS[0-9A-Z]{8})", phone.url).group(1)
    expect(phone.locator(".memo")).to_contain_text(reference)
    expect(phone.get_by_role("img", name=re.compile("Mã VietQR"))).to_be_visible()
    expect(phone.get_by_role("link", name="Lưu ảnh QR")).to_be_visible()
    expect(phone.locator("[data-campaign-raised]")).to_have_text("1.000.000 ₫")
    assert not has_horizontal_scroll(phone)

    # The bank tells SePay, SePay tells us: a signed notification with the memo the app pre-filled.
    body = json.dumps(sepay_body(f"MBVCB.123.{reference} UNG HO", 500_000, tx_id=424242)).encode()
    request = urllib.request.Request(
        f"{live_server}/webhooks/bank/sepay",
        data=body,
        method="POST",
        headers={"Authorization": f"Apikey {SEPAY_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200

    # The page notices by itself (polling), without a reload.
    expect(phone.get_by_text("Đã nhận — cảm ơn bạn!")).to_be_visible(timeout=20_000)
    expect(phone.locator("[data-received]")).to_have_text("500.000 ₫")
    expect(phone.locator("[data-campaign-raised]")).to_have_text("1.500.000 ₫")
    # Paid: the QR and payment details make way for the thanks, the receipt and sharing.
    expect(phone.get_by_role("heading", name="Cảm ơn Bạn Thử Nghiệm!")).to_be_visible()
    expect(phone.get_by_role("img", name=re.compile("Mã VietQR"))).to_have_count(0)
    expect(phone.get_by_role("link", name=re.compile("Tải biên nhận số"))).to_be_visible()
    expect(phone.get_by_role("link", name="Xem tiền đi đâu")).to_be_visible()
    expect(phone.get_by_role("link", name="Zalo")).to_be_visible()
    assert not has_horizontal_scroll(phone)
    phone.screenshot(path="/tmp/i12-pledge-paid.png", full_page=True)
