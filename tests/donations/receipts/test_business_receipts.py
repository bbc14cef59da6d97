"""Businesses: shown by the company's name, receipts made out to the company, annual receipt."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from campaigns import figures
from donations.receipts import my_gifts
from donations.receipts.models import Receipt
from donations.receipts.pdf import render_pdf
from tests.fixtures.documents import pdf_text
from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body

COMPANY = {
    "is_business": True,
    "company_name": "Công ty TNHH Thử Nghiệm Sáng",
    "tax_code": "0312345678",
    "company_address": "9 Đường Mẫu, Phường Thử",
    "email": "ketoan@sang.example.org",
}


@pytest.fixture
def sepay(app, monkeypatch):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)


def pay(client, pledge, amount=None):
    body = sepay_body(f"CT.{pledge.reference} UNG HO", amount or pledge.amount)
    assert post_sepay(client, body).status_code == 200


def test_company_gift_shows_under_the_company_name(sepay, client, make_bank_pledge, make_campaign):
    campaign = make_campaign(unit="province")
    shown = make_bank_pledge(campaign, amount=700_000, donor_name="", show_on_wall=True, **COMPANY)
    hidden = make_bank_pledge(
        campaign,
        amount=300_000,
        donor_name="",
        anonymous=True,
        **{**COMPANY, "tax_code": "0300000001"},
    )
    pay(client, shown)
    pay(client, hidden)
    roll = figures.honour_roll(campaign.account)
    assert [r.label for r in roll] == ["Công ty TNHH Thử Nghiệm Sáng"]
    recent = [g.label for g in figures.recent_gifts(campaign.account)]
    assert "Công ty TNHH Thử Nghiệm Sáng" in recent and recent.count("") == 1
    page = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert "Công ty TNHH Thử Nghiệm Sáng" in page


def test_receipt_is_made_out_to_the_company_with_the_fund_legal_details(
    sepay, app, client, make_bank_pledge, make_campaign, monkeypatch
):
    for key, value in {
        "FUND_LEGAL_NAME": "Quỹ Thử Nghiệm Pháp Danh",
        "FUND_ADDRESS": "1 Đường Quỹ, Tỉnh Thử",
        "FUND_TAX_CODE": "0109999999",
        "FUND_SIGNATORY_NAME": "Nguyễn Thị Ký Thử",
        "FUND_SIGNATORY_TITLE": "Giám đốc Quỹ",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    pledge = make_bank_pledge(
        make_campaign(unit="province"), amount=1_000_000, donor_name="Chị Kế Toán", **COMPANY
    )
    pay(client, pledge)
    receipt = db.session.execute(select(Receipt)).scalar_one()
    text = pdf_text(render_pdf(receipt))
    compact = " ".join(text.split())
    assert "Đã nhận của: Công ty TNHH Thử Nghiệm Sáng" in compact
    for expected in (
        "0312345678",
        "9 Đường Mẫu, Phường Thử",
        "Chị Kế Toán",
        "Quỹ Thử Nghiệm Pháp Danh",
        "1 Đường Quỹ, Tỉnh Thử",
        "0109999999",
        "GIÁM ĐỐC QUỸ",
        "Nguyễn Thị Ký Thử",
    ):
        assert expected in compact, expected


def test_business_asks_for_its_consolidated_annual_receipt(
    sepay, client, make_bank_pledge, make_campaign
):
    campaign = make_campaign(unit="province")
    first = make_bank_pledge(campaign, amount=1_000_000, donor_name="", **COMPANY)
    second = make_bank_pledge(campaign, amount=2_500_000, donor_name="", **COMPANY)
    pay(client, first)
    pay(client, second)
    token = my_gifts.make_token(COMPANY["email"])
    page = client.get(f"/qua-cua-toi/{token}").get_data(as_text=True)
    assert "Biên nhận tổng hợp cho doanh nghiệp" in page
    year = db.session.execute(select(Receipt.year)).scalars().first()
    response = client.get(f"/qua-cua-toi/{token}/tong-hop-{year}-0312345678.pdf")
    assert response.status_code == 200 and response.data[:4] == b"%PDF"
    text = " ".join(pdf_text(response.data).split())
    assert f"BIÊN NHẬN TỔNG HỢP NĂM {year}" in text
    assert "Công ty TNHH Thử Nghiệm Sáng" in text and "3.500.000 ₫" in text
    assert "Ba triệu năm trăm nghìn đồng" in text
    # Another address, a forged link, another tax code: nothing.
    other = my_gifts.make_token("someone.else@example.org")
    assert client.get(f"/qua-cua-toi/{other}/tong-hop-{year}-0312345678.pdf").status_code == 404
    assert client.get(f"/qua-cua-toi/forged/tong-hop-{year}-0312345678.pdf").status_code == 404
    assert client.get(f"/qua-cua-toi/{token}/tong-hop-{year}-0300000000.pdf").status_code == 404
