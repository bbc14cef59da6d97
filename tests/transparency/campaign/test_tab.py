"""The campaign's transparency tab: /chien-dich/<slug>/minh-bach."""

from __future__ import annotations

from datetime import UTC, datetime

from app.approvals import services as approvals
from app.extensions import db
from donations.recording import record_donation


def test_tab_shows_days_channels_rounds_invoices_budget_and_balance(client, world, make_user):
    approvals.approve(make_user("treasurer"), world["expense"].proposal.public_id)
    campaign = world["campaign"]
    record_donation(
        campaign=campaign,
        amount=300_000,
        provider="stripe",
        provider_ref="pi_tab_1",
        idempotency_key="stripe:tab:1",
    )
    db.session.commit()
    detail = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    assert f"/chien-dich/{campaign.slug}/minh-bach" in detail

    page = client.get(f"/chien-dich/{campaign.slug}/minh-bach")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") >= 3  # by day, by channel, budget vs spent
    assert "<script" not in html.split("</footer>")[0].split("<main")[1]
    assert "Đợt phạm vi" in html and "&lt; 5" in html  # one student: the count is hidden
    assert "Công ty Xây dựng Phạm Vi" in html and "0000001" in html
    assert "300.000" in html  # card channel
    assert world["student"].full_name not in html
    api = client.get(f"/api/v1/campaigns/{campaign.slug}").get_json()
    balance = f"{api['balance']['VND']:,}".replace(",", ".")
    assert balance in html


def test_daily_table_counts_gifts_in_vietnam_days(client, campaign, give):
    give(campaign, 100_000, at=datetime(2026, 11, 2, 16, 30, tzinfo=UTC))  # 23:30 on 2/11 in VN
    give(campaign, 40_000, at=datetime(2026, 11, 2, 17, 30, tzinfo=UTC))  # 00:30 on 3/11 in VN
    html = client.get(f"/chien-dich/{campaign.slug}/minh-bach").get_data(as_text=True)
    assert "02/11/2026" in html and "03/11/2026" in html
    day2 = html.split("02/11/2026</td>")[1][:200]
    assert "100.000" in day2


def test_draft_and_unknown_campaigns_are_404(client, make_campaign):
    make_campaign("nhap-thu", status="draft")
    assert client.get("/chien-dich/nhap-thu/minh-bach").status_code == 404
    assert client.get("/chien-dich/khong-co/minh-bach").status_code == 404
