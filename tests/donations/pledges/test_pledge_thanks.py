"""The pledge page after the money arrived: thanks, receipt links, what is missing, excess."""

from __future__ import annotations

import pytest

from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body


@pytest.fixture
def sepay(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)


def pay(client, pledge, amount):
    response = post_sepay(client, sepay_body(f"CT.{pledge.reference} UNG HO", amount))
    assert response.status_code == 200


def test_pending_page_shows_qr_and_grouped_memo(client, make_bank_pledge, make_campaign):
    pledge = make_bank_pledge(make_campaign(unit="province"))
    page = client.get(f"/ung-ho/p/{pledge.reference}").get_data(as_text=True)
    ref = pledge.reference
    assert "Quét QR" in page and "Tải ảnh QR" in page and ">SVG<" not in page
    # Shown in groups to read aloud, copied whole.
    assert f'<span class="memo-group">{ref[2:6]}</span>' in page
    assert f'data-copy="{ref} UNG HO"' in page
    assert "Cảm ơn" not in page


def test_paid_pledge_thanks_with_receipt_and_share(sepay, client, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    pledge = make_bank_pledge(campaign, amount=300_000, donor_name="Chị Lan Thử")
    pay(client, pledge, 300_000)
    page = client.get(f"/ung-ho/p/{pledge.reference}").get_data(as_text=True)
    assert "Cảm ơn Chị Lan Thử!" in page
    assert "Quỹ đã nhận 300.000 ₫" in page
    assert "Quét QR" not in page and "Số tài khoản" not in page
    assert "/bien-nhan/" in page and ".pdf" in page and "/bien-nhan/kiem-tra/" in page
    assert f"/chien-dich/{campaign.slug}#money-h" in page
    assert "facebook.com/sharer" in page and "zalo.me/share" in page
    assert f'/chien-dich/{campaign.slug}" data-copied' in page  # the copy-link button
    # The receipt link really opens the PDF.
    link = page.split('href="/bien-nhan/', 1)[1].split('"', 1)[0]
    pdf = client.get(f"/bien-nhan/{link}")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"


def test_partial_pledge_says_what_is_missing_and_keeps_qr(
    sepay, client, make_bank_pledge, make_campaign
):
    from donations.bank.vietqr import parse_payload
    from donations.pledges import services

    pledge = make_bank_pledge(make_campaign(unit="province"), amount=500_000)
    pay(client, pledge, 200_000)
    page = client.get(f"/ung-ho/p/{pledge.reference}").get_data(as_text=True)
    assert "Còn thiếu 300.000 ₫" in page
    assert "Quét QR" in page and "Cảm ơn" not in page
    # The QR asks for the rest only.
    from app.extensions import db

    db.session.refresh(pledge)
    assert parse_payload(services.qr_payload(pledge)).amount == 300_000


def test_overpaid_pledge_says_so_with_the_fund_contact(
    sepay, app, client, make_bank_pledge, make_campaign
):
    pledge = make_bank_pledge(make_campaign(unit="province"), amount=200_000)
    pay(client, pledge, 200_000)
    pay(client, pledge, 200_000)  # paid twice
    page = client.get(f"/ung-ho/p/{pledge.reference}").get_data(as_text=True)
    assert "nhiều hơn số đã cam kết 200.000 ₫" in page
    assert "hoàn lại" in page and app.config["FUND_EMAIL"] in page
    assert "Quét QR" not in page


def test_every_donate_form_error_at_once_with_a_summary(client, make_campaign):
    make_campaign(unit="province")
    response = client.post(
        "/ung-ho/hoc-bong-thu",
        data={
            "amount_choice": "other",
            "amount_other": "abc",
            "donor_name": "",
            "email": "not-an-email",
            "phone": "12",
            "is_business": "y",
            "company_name": "",
            "tax_code": "123",
            "company_address": "",
            "method": "bank",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    for field in ("amount_other", "email", "phone", "company_name", "tax_code", "company_address"):
        assert f'href="#{field}"' in summary, field
    assert 'aria-invalid="None"' not in page
    assert 'id="amount_other" ' in page and 'aria-invalid="true"' in page


def test_a_valid_form_has_no_summary_and_no_stray_aria(client, make_campaign):
    make_campaign(unit="province")
    page = client.get("/ung-ho/hoc-bong-thu").get_data(as_text=True)
    assert "data-error-summary" not in page and "aria-invalid" not in page
    assert '<span class="nowrap">200.000 ₫</span>' in page
