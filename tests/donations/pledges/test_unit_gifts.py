"""Managers see the gifts to their unit's campaigns: filtered, exported, never others' money."""

from __future__ import annotations

import pytest

from tests.fixtures.donations import SEPAY_KEY, post_sepay, sepay_body


@pytest.fixture
def gifts(app, client, monkeypatch, make_campaign, make_bank_pledge):
    monkeypatch.setitem(app.config, "SEPAY_API_KEY", SEPAY_KEY)
    mine = make_campaign("hoc-bong-a", unit="a", title="Học bổng huyện A")
    other = make_campaign("hoc-bong-b", unit="b", title="Học bổng huyện B")
    named = make_bank_pledge(mine, amount=300_000, donor_name="Cô Hiện Tên", show_on_wall=True)
    hidden = make_bank_pledge(
        mine, amount=200_000, donor_name="Chú Kín Tên", email="kin@example.org"
    )
    theirs = make_bank_pledge(other, amount=900_000, donor_name="Người Huyện B", show_on_wall=True)
    for pledge in (named, hidden, theirs):
        body = sepay_body(f"CT.{pledge.reference} UNG HO", pledge.amount)
        assert post_sepay(client, body).status_code == 200
    return {"mine": mine, "other": other}


def test_manager_sees_only_the_unit_gifts_with_public_labels(client, login_as, gifts):
    login_as("manager", "a")
    page = client.get("/quan-tri/ung-ho/khoan-ung-ho").get_data(as_text=True)
    table = page.split("data-gifts", 1)[1]
    assert "Cô Hiện Tên" in table and "300.000 ₫" in table and "Chuyển khoản" in table
    assert "Chú Kín Tên" not in table and "kin@example.org" not in page
    assert "Nhà hảo tâm ẩn danh" in table
    assert "Người Huyện B" not in table and "900.000" not in table
    # The manager's menu leads there; the treasurer's powers do not come with it.
    assert 'href="/quan-tri/ung-ho/khoan-ung-ho"' in page
    assert client.get("/quan-tri/ung-ho/giao-dich").status_code == 403


def test_filter_and_export(client, login_as, gifts):
    login_as("admin")
    mine = gifts["mine"].id
    page = client.get(f"/quan-tri/ung-ho/khoan-ung-ho?campaign={mine}").get_data(as_text=True)
    assert "Người Huyện B" not in page.split("data-gifts", 1)[1]
    card_only = client.get("/quan-tri/ung-ho/khoan-ung-ho?channel=card").get_data(as_text=True)
    assert "data-gifts" not in card_only
    # Bad filter values are ignored, never an error.
    assert client.get("/quan-tri/ung-ho/khoan-ung-ho?since=hom-qua&channel=x").status_code == 200
    csv = client.get(f"/quan-tri/ung-ho/khoan-ung-ho.csv?campaign={mine}")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Cô Hiện Tên" in text and "300000" in text and "Người Huyện B" not in text
    assert text.count("\n") == 3  # the header and two gifts
