"""Every screen shows the same figures, with DESIGN.md §4's one definition (issue: treasury).

One campaign receives gifts, a partial refund, a reversed gift, money moved out to and in from
another campaign, an allocation and the reversal of another, a hand-over, a purchase and a card
fee. The list API, the detail API, the campaign page, the campaign list, the home page, the
donate page, the pledge page (and its status poll) and the share image must all agree.
"""

from __future__ import annotations

import html
import re

import pytest

from app.extensions import db
from app.ledger import service as ledger
from app.money import format_vnd
from campaigns import figures
from campaigns.share import card_texts, card_version
from donations.pledges.services import PledgeRequest, create_pledge

EXPECTED = {
    "received": 4_200_000,  # 2.000.000 + 1.500.000 + 700.000
    "returned": 1_000_000,  # partial refund 300.000 + the reversed 700.000
    "raised": 3_200_000,
    "moved_in": 100_000,
    "moved_out": 400_000,
    "allocated": 600_000,  # 600.000 + 200.000 − 200.000 reversed
    "spent": 250_000,
    "fees": 35_000,
    "handed_over": 600_000,
    "disbursed": 850_000,
    "balance": 2_015_000,
}


def _post(source, destination, amount, kind, ref, key, **extra):
    return ledger.post(
        source=source,
        destination=destination,
        asset="VND",
        amount=amount,
        kind=kind,
        ref=ref,
        idempotency_key=f"agree:{key}",
        **extra,
    ).entry


@pytest.fixture
def books(make_campaign, give):
    """Campaign x with every kind of movement; campaign y on the other side of reallocations."""
    x = make_campaign("x", title="Chiến dịch X", featured=True)
    y = make_campaign("y", title="Chiến dịch Y")
    first = give(x, 2_000_000, label="Chị Hoa")
    give(x, 1_500_000)
    wrong = give(x, 700_000)
    give(y, 1_000_000)
    _post(x.account, "world", 300_000, "refund", first.ref, "refund")
    ledger.reverse(wrong, idempotency_key="agree:reverse-gift")
    _post(x.account, y.account, 400_000, "reallocation", "QD-1", "out")
    _post(y.account, x.account, 100_000, "reallocation", "QD-2", "in")
    _post(x.account, "student:HS-AAAAA", 600_000, "allocation", "DT-AGREE", "alloc-a")
    mistaken = _post(x.account, "student:HS-BBBBB", 200_000, "allocation", "DT-AGREE", "alloc-b")
    ledger.reverse(mistaken, idempotency_key="agree:reverse-alloc")
    _post("student:HS-AAAAA", "world", 600_000, "disbursement", "DT-AGREE", "hand")
    _post(x.account, "expense:gao-thang-10", 250_000, "purchase", "CT-1", "buy")
    _post("expense:gao-thang-10", "world", 250_000, "expense", "CT-1", "pay")
    _post(x.account, "fees:stripe", 35_000, "fee", "TSFEE00001", "fee")
    db.session.commit()
    return x, y


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_service_follows_the_definitions(books):
    x, y = books
    f = figures.figures_for([x.account, y.account])
    for name, value in EXPECTED.items():
        assert f[x.account].get(name) == value, name
    assert f[x.account].gifts == 2
    assert f[x.account].get("balance") == ledger.balance(x.account)
    assert f[y.account].get("raised") == 1_000_000
    assert f[y.account].get("balance") == ledger.balance(y.account) == 1_300_000
    assert figures.fund_totals().raised_vnd == 4_200_000  # moves between campaigns net out


def test_every_screen_agrees(client, books):
    x, _ = books
    raised = format_vnd(EXPECTED["raised"])

    listed = client.get("/api/v1/campaigns").get_json()["campaigns"]
    item = next(c for c in listed if c["slug"] == "x")
    detail = client.get("/api/v1/campaigns/x").get_json()
    for body in (item, detail):
        for name, value in EXPECTED.items():
            assert body[name] == {"VND": value}, name
        assert body["gifts"] == 2

    page = _text(client.get("/chien-dich/x"))
    money = re.search(r'<table class="cp-money">(.*?)</table>', page, re.S).group(1)
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", money, re.S)
    ]
    assert cells == [
        raised,
        format_vnd(EXPECTED["moved_in"]),
        "−" + format_vnd(EXPECTED["moved_out"]),
        "−" + format_vnd(EXPECTED["allocated"]),
        format_vnd(EXPECTED["handed_over"]),
        "−" + format_vnd(EXPECTED["spent"]),
        "−" + format_vnd(EXPECTED["fees"]),
        format_vnd(EXPECTED["balance"]),
    ]
    assert f"v={card_version(x, {'VND': EXPECTED['raised']})}" in page

    assert raised in _text(client.get("/chien-dich/"))
    home = _text(client.get("/"))
    assert raised in home and format_vnd(4_200_000) in home
    assert f"Chiến dịch đã nhận: {raised}" in re.sub(r"<[^>]+>", "", _text(client.get("/ung-ho/x")))

    pledge = create_pledge(PledgeRequest(campaign=x, amount=200_000, donor_name="Bạn Khoa"))
    db.session.commit()
    pledge_page = re.sub(r"<[^>]+>", "", _text(client.get(f"/ung-ho/p/{pledge.reference}")))
    assert f"Chiến dịch đã nhận: {raised}" in pledge_page
    status = client.get(f"/ung-ho/p/{pledge.reference}/trang-thai").get_json()
    assert status["campaign_raised"] == EXPECTED["raised"]

    amount_line, goal_line = card_texts(x, figures.campaign_figures(x.account).raised)
    assert amount_line == raised and goal_line.startswith("32% ")
    card = client.get(f"/chien-dich/x/anh-chia-se.png?v={card_version(x, {'VND': 3_200_000})}")
    assert card.status_code == 200 and card.mimetype == "image/png"
