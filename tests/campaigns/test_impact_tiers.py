"""Impact tiers: what a gift buys, set in the back office, offered as the donate form's amounts
and listed on the campaign page."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from campaigns.impact import ImpactTier, tiers_of
from donations.pledges.models import Pledge


def test_manager_sets_tiers_and_donors_see_them(client, login_as, make_campaign):
    campaign = make_campaign(unit="a")
    login_as("manager", "a")
    url = f"/quan-tri/chien-dich/{campaign.id}/muc-ung-ho"
    for asset, amount, label in (
        ("VND", "1 triệu", "học bổng một tháng"),
        ("VND", "350.000", "một bộ dụng cụ học tập"),
        ("RICE_G", "15", "một tháng cơm bán trú"),
    ):
        response = client.post(
            url, data={"tier-asset": asset, "tier-amount": amount, "tier-label": label}
        )
        assert response.status_code == 302
    # Bad input is explained and stores nothing.
    client.post(url, data={"tier-asset": "VND", "tier-amount": "abc", "tier-label": "x"})
    client.post(url, data={"tier-asset": "VND", "tier-amount": "500.000", "tier-label": ""})
    assert [(t.asset, t.amount) for t in tiers_of(campaign)] == [
        ("VND", 350_000),
        ("VND", 1_000_000),
        ("RICE_G", 15_000),
    ]
    manage = client.get(f"/quan-tri/chien-dich/{campaign.id}").get_data(as_text=True)
    assert "1.000.000 ₫ = học bổng một tháng" in manage

    client.post("/dang-xuat")
    page = client.get(f"/chien-dich/{campaign.slug}").get_data(as_text=True)
    tiers = page.split('class="cp-tiers"', 1)[1].split("</ul>", 1)[0]
    text = re.sub(r"<[^>]+>", "", tiers)
    assert "350.000 ₫ = một bộ dụng cụ học tập" in text
    assert "15 kg gạo = một tháng cơm bán trú" in text

    form = client.get(f"/ung-ho/{campaign.slug}").get_data(as_text=True)
    assert 'value="350000"' in form and 'value="1000000"' in form
    assert 'value="200000"' not in form  # the fund's default amounts make way
    assert "học bổng một tháng" in form
    response = client.post(
        f"/ung-ho/{campaign.slug}",
        data={"amount_choice": "350000", "donor_name": "Bạn Thử", "method": "bank"},
    )
    assert response.status_code == 303
    assert db.session.execute(select(Pledge.amount)).scalar_one() == 350_000


def test_tiers_can_be_removed_only_by_an_editor_of_the_unit(client, login_as, make_campaign):
    campaign = make_campaign(unit="a")
    tier = ImpactTier(campaign_id=campaign.id, asset="VND", amount=500_000, label="Xe đạp")
    db.session.add(tier)
    db.session.commit()
    login_as("manager", "b")
    url = f"/quan-tri/chien-dich/{campaign.id}/muc-ung-ho/{tier.id}/xoa"
    assert client.post(url).status_code in (403, 404)
    client.post("/dang-xuat")
    login_as("manager", "a")
    assert client.post(url).status_code == 302
    assert tiers_of(campaign) == []
