"""Public figures come from the ledger only; referral credits feed the leaderboards."""

from __future__ import annotations

from flask import session

from app.extensions import db
from app.ledger import service as ledger
from campaigns import figures, referrals
from campaigns.models import FundraisingPage, PageStatus, ReferralCredit
from donations.pledges.models import PaymentMethod, Pledge


def test_raised_counts_money_received_not_pledges(make_campaign, give):
    campaign = make_campaign()
    db.session.add(
        Pledge(
            reference="TS0000000A",
            campaign_id=campaign.id,
            amount=9_000_000,
            method=PaymentMethod.bank,
        )
    )
    db.session.commit()
    give(campaign, 500_000, label="Chị Hoa")
    give(campaign, 300_000)
    give(campaign, 20_000, asset="RICE_G")
    f = figures.campaign_figures(campaign.account)
    assert f.raised == {"VND": 800_000, "RICE_G": 20_000}
    assert f.gifts == 3
    assert [g.label for g in f.recent] == ["", "", "Chị Hoa"]


def test_reversed_gift_and_partial_refund_are_not_raised(make_campaign, give):
    campaign = make_campaign()
    keep = give(campaign, 1_000_000)
    wrong = give(campaign, 700_000)
    ledger.reverse(wrong, idempotency_key="test:rev:1")
    ledger.post(
        source=campaign.account,
        destination="world",
        asset="VND",
        amount=200_000,
        kind="refund",
        ref=keep.ref,
        idempotency_key="test:refund:1",
    )
    db.session.commit()
    f = figures.campaign_figures(campaign.account)
    assert f.raised["VND"] == 800_000
    assert f.gifts == 1
    assert f.balance["VND"] == 800_000
    assert figures.fund_totals().raised_vnd == 800_000


def test_where_the_money_went(make_campaign, give):
    a = make_campaign("chien-dich-a")
    b = make_campaign("chien-dich-b")
    give(a, 3_000_000)
    give(b, 1_000_000)
    post = ledger.post
    post(
        source=a.account,
        destination="student:HS-AAAAA",
        asset="VND",
        amount=1_000_000,
        kind="allocation",
        ref="PB-1",
        idempotency_key="t:a1",
    )
    post(
        source=b.account,
        destination="student:HS-AAAAA",
        asset="VND",
        amount=1_000_000,
        kind="allocation",
        ref="PB-2",
        idempotency_key="t:a2",
    )
    post(
        source=a.account,
        destination="student:HS-BBBBB",
        asset="VND",
        amount=500_000,
        kind="allocation",
        ref="PB-3",
        idempotency_key="t:a3",
    )
    # A hand-over carries its round's public id: PB-1 is A's round, so A handed over 1 triệu.
    post(
        source="student:HS-AAAAA",
        destination="world",
        asset="VND",
        amount=1_000_000,
        kind="disbursement",
        ref="PB-1",
        idempotency_key="t:d1",
    )
    post(
        source=a.account,
        destination="expense:mai-ton",
        asset="VND",
        amount=400_000,
        kind="purchase",
        ref="CT-1",
        idempotency_key="t:p1",
    )
    db.session.commit()
    f = figures.campaign_figures(a.account)
    assert f.raised["VND"] == 3_000_000
    assert f.allocated["VND"] == 1_500_000
    assert f.handed_over["VND"] == 1_000_000
    assert f.spent["VND"] == 400_000
    assert f.disbursed["VND"] == 1_000_000 + 400_000
    assert f.balance["VND"] == 3_000_000 - 1_500_000 - 400_000
    assert f.students == 2
    assert figures.campaign_figures(b.account).handed_over == {}
    totals = figures.fund_totals()
    assert totals.raised_vnd == 4_000_000 and totals.students == 2 and totals.campaigns == 2


def test_honour_roll_only_named_donors(make_campaign, give):
    campaign = make_campaign()
    give(campaign, 200_000, label="Công ty Ánh Dương")
    give(campaign, 300_000, label="Công ty Ánh Dương")
    give(campaign, 900_000)
    assert figures.honour_roll(campaign.account) == [
        figures.HonourRow("Công ty Ánh Dương", {"VND": 500_000}, 2)
    ]


def test_honour_roll_one_row_per_donor_with_every_asset(make_campaign, give):
    campaign = make_campaign()
    give(campaign, 200_000, label="Gia đình Thử")
    give(campaign, 15_000, asset="RICE_G", label="Gia đình Thử")
    give(campaign, 900_000, label="Công ty Thử")
    give(campaign, 50_000, asset="RICE_G")  # anonymous: never by name
    rows = figures.honour_roll(campaign.account)
    assert [r.label for r in rows] == ["Công ty Thử", "Gia đình Thử"]
    assert rows[1].totals == {"VND": 200_000, "RICE_G": 15_000} and rows[1].gifts == 2


def test_unknown_ref_codes_ignored_valid_remembered(app, make_campaign, units):
    make_campaign()  # a unit's code is valid before anything was credited to it
    with app.test_request_context("/?ref=KHONG-CO"):
        referrals.remember_from_request()
        assert referrals.current_ref_code() is None
        assert "ref" not in session
    with app.test_request_context("/?ref=HUYEN-A"):
        referrals.remember_from_request()
        assert referrals.current_ref_code() == "huyen-a"
        assert session["ref"] == "huyen-a"
    with app.test_request_context("/?ref=<script>"):
        assert referrals.current_ref_code() is None


def test_credit_is_idempotent_and_feeds_boards(make_campaign, units):
    campaign = make_campaign()
    page_ref = referrals.new_page_code(units["school"].id)
    page = FundraisingPage(
        campaign_id=campaign.id,
        unit_id=units["school"].id,
        referral_code_id=page_ref.id,
        owner_name="Lò Văn Thử",
        title="Trang thử",
        goal=1_000_000,
        status=PageStatus.approved,
    )
    db.session.add(page)
    db.session.commit()
    referrals.credit_referral("huyen-a", campaign, 500_000, "donation:1")  # creates its row
    referrals.credit_referral("HUYEN-A", campaign, 500_000, "donation:1")  # same gift again
    referrals.credit_referral(page_ref.code.upper(), campaign, 300_000, "donation:2")
    referrals.credit_referral("khong-co", campaign, 999_000, "donation:3")
    referrals.credit_referral(None, campaign, 999_000, "donation:4")
    db.session.commit()
    assert db.session.query(ReferralCredit).count() == 2
    units["b"].active = False
    db.session.commit()
    assert not referrals.is_known("huyen-b")  # inactive units' links are ignored
    units_board = referrals.unit_board(campaign)
    assert [(s.name, s.amount, s.gifts) for s in units_board] == [
        ("Huyện Đoàn A", 500_000, 1),
        ("Đoàn trường A", 300_000, 1),
    ]
    assert [(s.name, s.amount) for s in referrals.page_board(None)] == [("Lò Văn Thử", 300_000)]
    assert referrals.page_raised(page) == (300_000, 1)


def test_a_reversed_hand_over_is_no_longer_handed_over(make_campaign, give):
    campaign = make_campaign("tra-lai")
    give(campaign, 1_000_000)
    ledger.post(
        source=campaign.account,
        destination="student:HS-CCCCC",
        asset="VND",
        amount=600_000,
        kind="allocation",
        ref="DT-TRALAI",
        idempotency_key="t:alloc-back",
    )
    hand = ledger.post(
        source="student:HS-CCCCC",
        destination="world",
        asset="VND",
        amount=600_000,
        kind="disbursement",
        ref="DT-TRALAI",
        idempotency_key="t:hand-back",
    ).entry
    db.session.commit()
    assert figures.figures_for([campaign.account])[campaign.account].handed_over == {"VND": 600_000}
    ledger.reverse(hand, idempotency_key="t:hand-back:rev")
    db.session.commit()
    after = figures.figures_for([campaign.account])[campaign.account]
    assert after.handed_over == {} and after.allocated == {"VND": 600_000}
