"""Review queue suggestions: likely pledges for a transfer without a usable code, one general
fund choice, assigning under a donor's name, paid pledges flagged."""

from __future__ import annotations

import itertools

import pytest

from app.dbtypes import utcnow
from app.extensions import db
from campaigns import figures
from donations.bank.matching import Incoming, Matcher
from donations.bank.models import TxStatus
from donations.bank.suggestions import code_likeness, suggest
from donations.pledges.models import PledgeStatus
from tests.fixtures.donations import FUND_ACCOUNT

_ids = itertools.count(1)


def transfer(amount, memo):
    tx, _ = Matcher().receive(
        Incoming(
            provider="sepay",
            provider_id=f"s-{next(_ids)}",
            amount=amount,
            memo=memo,
            occurred_at=utcnow(),
            account_number=FUND_ACCOUNT,
        )
    )
    db.session.commit()
    return tx


@pytest.fixture
def pledges(ctx, make_bank_pledge, make_campaign):
    make_campaign(unit="province", slug="quy-chung", title="Quỹ chung")
    campaign = make_campaign(unit="province")
    return {
        "campaign": campaign,
        "same_amount": make_bank_pledge(campaign, amount=350_000, donor_name="Trần Văn Số"),
        "named": make_bank_pledge(campaign, amount=999_000, donor_name="Nguyễn Thị Hoa Thử"),
        "other": make_bank_pledge(campaign, amount=120_000, donor_name="Người Khác"),
    }


def test_same_amount_and_name_in_memo_are_suggested(pledges):
    tx = transfer(350_000, "chuyen tien ung ho")
    assert tx.status == TxStatus.review
    found = [s.pledge for s in suggest(tx)]
    assert found == [pledges["same_amount"]]
    by_name = transfer(500_000, "NGUYEN THI HOA THU CHUYEN KHOAN")
    assert [s.pledge for s in suggest(by_name)] == [pledges["named"]]


def test_a_mistyped_code_is_suggested(pledges):
    ref = pledges["other"].reference
    typo = ref[:-2] + ("A" if ref[-2] != "A" else "B") + ref[-1]
    assert code_likeness(f"MBVCB {typo} UNG HO", ref) >= 0.8
    tx = transfer(100_000, f"MBVCB {typo[:4]} {typo[4:]} UNG HO")
    assert pledges["other"] in [s.pledge for s in suggest(tx)]


def test_page_offers_suggestions_one_general_fund_and_picks(client, login_as, pledges):
    tx = transfer(350_000, "chuyen tien ung ho")
    login_as("treasurer")
    page = client.get(f"/quan-tri/ung-ho/giao-dich/{tx.id}").get_data(as_text=True)
    assert pledges["same_amount"].reference in page.split("data-suggestions", 1)[1]
    choices = page.split('id="a-campaign_id"', 1)[1].split("</select>", 1)[0]
    assert choices.count("Quỹ chung") == 1
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan",
        data={"a-pledge_reference": pledges["same_amount"].reference, "a-campaign_id": ""},
    )
    assert response.status_code == 302
    db.session.refresh(pledges["same_amount"])
    assert pledges["same_amount"].status == PledgeStatus.paid


def test_paid_pledge_is_flagged(client, login_as, pledges):
    first = transfer(350_000, "ung ho")
    login_as("treasurer")
    client.post(
        f"/quan-tri/ung-ho/giao-dich/{first.id}/gan",
        data={"a-pledge_reference": pledges["same_amount"].reference, "a-campaign_id": ""},
    )
    again = transfer(350_000, "ung ho lan nua")
    [s] = [s for s in suggest(again) if s.pledge == pledges["same_amount"]]
    assert s.overpays
    page = client.get(f"/quan-tri/ung-ho/giao-dich/{again.id}").get_data(as_text=True)
    assert "data-overpays" in page and "nhận thừa" in page


def test_assign_to_a_campaign_under_the_donor_name(client, login_as, pledges):
    tx = transfer(777_000, "ck tu thien")
    login_as("treasurer")
    campaign = pledges["campaign"]
    bad = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan-ten",
        data={"n-campaign_id": str(campaign.id), "n-donor_name": ""},
    )
    assert bad.status_code == 422 and "Vui lòng nhập tên người ủng hộ." in bad.get_data(
        as_text=True
    )
    response = client.post(
        f"/quan-tri/ung-ho/giao-dich/{tx.id}/gan-ten",
        data={"n-campaign_id": str(campaign.id), "n-donor_name": "  Cô   Lan  Thử "},
    )
    assert response.status_code == 302
    assert [r.label for r in figures.honour_roll(campaign.account)] == ["Cô Lan Thử"]
