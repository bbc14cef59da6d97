"""/sao-ke: every entry newest first, searched by reference, bank reference and name without
diacritics, filtered by amount, date, campaign, kind and asset, paged by cursor, with totals."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.ledger import service as ledger


@pytest.fixture
def gifts(make_campaign, give):
    rice = make_campaign("hu-gao", title="Hũ gạo tiếp sức đến trường")
    books = make_campaign("sach-vo", title="Sách vở cho em")
    day = lambda d, h=3: datetime(2026, 3, d, h, 0, tzinfo=UTC)  # noqa: E731
    return {
        "a": give(rice, 500_000, label="Nguyễn Văn A", at=day(1)),
        "b": give(rice, 2_000_000, label="Trần Thị Bích", at=day(5)),
        "anon": give(books, 300_000, label="", at=day(10)),
        "c": give(books, 1_000_000, label="Lê Đức Anh", at=day(20)),
        "rice": give(rice, 50_000, asset="RICE_G", label="Nhóm thiện nguyện Hoa Sen", at=day(21)),
        "rice_campaign": rice,
        "books_campaign": books,
    }


def seqs(response) -> list[int]:
    return [int(s) for s in re.findall(r'id="seq-(\d+)"', response.get_data(as_text=True))]


def test_every_entry_newest_first_with_words_amounts_and_campaign(client, gifts):
    response = client.get("/sao-ke")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert seqs(response) == sorted(seqs(response), reverse=True)
    assert len(seqs(response)) == 5
    assert "500.000 ₫" in html and "2.000.000 ₫" in html
    assert "Ủng hộ hiện vật" in html and "Hũ gạo tiếp sức đến trường" in html
    assert "Nhà hảo tâm ẩn danh" in html
    assert gifts["a"].ref in html and f"/truy-vet/{gifts['a'].ref}" in html
    assert 'class="stack' in html
    assert "5 bút toán" in html


def test_menu_and_footer_link_to_the_statement(client, gifts):
    html = client.get("/").get_data(as_text=True)
    assert html.count('href="/sao-ke"') >= 2


@pytest.mark.parametrize(
    "q",
    ["nguyen van a", "NGUYEN VAN A", "Nguyễn Văn A", unicodedata.normalize("NFD", "Nguyễn Văn A")],
)
def test_name_without_diacritics_finds_the_gift(client, gifts, q):
    response = client.get("/sao-ke", query_string={"q": q})
    assert seqs(response) == [gifts["a"].seq]


def test_name_words_in_any_order_and_partial_names(client, gifts):
    assert seqs(client.get("/sao-ke?q=anh+duc")) == [gifts["c"].seq]
    assert seqs(client.get("/sao-ke?q=bich")) == [gifts["b"].seq]
    assert seqs(client.get("/sao-ke?q=nguyen+van+b")) == []


def test_reference_is_found_whatever_its_case(client, gifts):
    ref = gifts["b"].ref
    for q in (ref, ref.lower(), f"  {ref}  "):
        assert seqs(client.get("/sao-ke", query_string={"q": q})) == [gifts["b"].seq]


def test_bank_reference_is_found(client, gifts):
    from donations.bank.models import BankTransaction, TxStatus
    from donations.models import Donation

    donation = Donation(
        campaign_id=gifts["books_campaign"].id,
        amount=300_000,
        provider="sepay",
        provider_ref="sepay:1",
        ledger_seq=gifts["anon"].seq,
    )
    db.session.add(donation)
    db.session.flush()
    db.session.add(
        BankTransaction(
            provider="sepay",
            provider_id="1",
            amount=300_000,
            memo="TS",
            bank_reference="FT26069ABCD123",
            occurred_at=gifts["anon"].at,
            dedupe_key="x",
            status=TxStatus.matched,
            donation_id=donation.id,
        )
    )
    db.session.commit()
    assert seqs(client.get("/sao-ke?q=ft26069abcd123")) == [gifts["anon"].seq]


def test_anonymous_gift_cannot_be_found_by_name(client, make_campaign, give):
    campaign = make_campaign("kin-dao")
    give(campaign, 700_000, label="")
    response = client.get("/sao-ke?q=nha+hao+tam+an+danh")
    assert seqs(response) == []


def test_amount_range_date_range_campaign_kind_and_asset(client, gifts):
    assert seqs(client.get("/sao-ke?min=400000&max=1.000.000")) == [
        gifts["c"].seq,
        gifts["a"].seq,
    ]
    assert seqs(client.get("/sao-ke?from=2026-03-05&to=2026-03-10")) == [
        gifts["anon"].seq,
        gifts["b"].seq,
    ]
    assert seqs(client.get("/sao-ke?campaign=hu-gao&from=2026-03-02")) == [
        gifts["rice"].seq,
        gifts["b"].seq,
    ]
    assert seqs(client.get("/sao-ke?kind=in_kind")) == [gifts["rice"].seq]
    assert seqs(client.get("/sao-ke?asset=RICE_G")) == [gifts["rice"].seq]


def test_a_day_is_a_vietnam_day(client, make_campaign, give):
    campaign = make_campaign("gio-vn")
    # 2026-03-01 23:30 UTC is already 2 March in Vietnam.
    late = give(campaign, 100_000, at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    assert seqs(client.get("/sao-ke?from=2026-03-02&to=2026-03-02")) == [late.seq]
    assert seqs(client.get("/sao-ke?to=2026-03-01")) == []


def test_totals_of_the_current_filter(client, gifts):
    html = client.get("/sao-ke?campaign=hu-gao").get_data(as_text=True)
    assert "3 bút toán" in html
    assert "2.500.000 ₫" in html


def test_keyset_pages_do_not_shift_when_new_entries_arrive(client, make_campaign, give):
    campaign = make_campaign("nhieu-dong")
    entries = [give(campaign, 10_000 * (i + 1)) for i in range(7)]
    first = client.get("/api/v1/ledger?limit=3").get_json()
    assert [e["seq"] for e in first["entries"]] == [e.seq for e in entries[:-4:-1]]
    give(campaign, 999_000)  # arrives while the reader pages
    second = client.get(f"/api/v1/ledger?limit=3&cursor={first['next_cursor']}").get_json()
    assert [e["seq"] for e in second["entries"]] == [e.seq for e in entries[3:0:-1]]
    page = client.get("/sao-ke", query_string={"cursor": first["next_cursor"]})
    html = page.get_data(as_text=True)
    assert seqs(page)[0] == entries[3].seq
    assert "Mới nhất" in html


def test_next_page_link_keeps_the_filter(client, make_campaign, give):
    campaign = make_campaign("trang-sau")
    for i in range(55):
        give(campaign, 1_000 + i, label="Phạm Thu Hà")
    html = client.get("/sao-ke?q=pham+thu+ha").get_data(as_text=True)
    link = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=pham+thu+ha" in link and "cursor=" in link
    rest = client.get(link)
    assert len(seqs(rest)) == 5


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min=abc", "Số tiền từ"),
        ("min=500000&max=100", "tối thiểu lớn hơn"),
        ("from=31-03-2026", "NNNN-TT-NN"),
        ("from=2026-03-10&to=2026-03-01", "Ngày bắt đầu sau ngày kết thúc"),
        ("kind=bogus", "Loại bút toán không hợp lệ"),
        ("cursor=-1", "Con trỏ"),
    ],
)
def test_bad_filters_are_explained_on_the_form(client, gifts, query, message):
    response = client.get(f"/sao-ke?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and message in html


def test_empty_states(client, gifts):
    html = client.get("/sao-ke?q=TSKHONGCO1").get_data(as_text=True)
    assert "Không có bút toán nào khớp bộ lọc" in html


def test_empty_ledger(client):
    html = client.get("/sao-ke").get_data(as_text=True)
    assert "Sổ cái chưa có bút toán nào" in html


def test_hand_over_belongs_to_the_campaign_of_its_allocation(client, gifts):
    rice = gifts["rice_campaign"]
    ledger.post(
        source=rice.account,
        destination="student:HS-TEST1",
        asset="VND",
        amount=400_000,
        kind="allocation",
        ref="RD-TEST1",
        idempotency_key="t:alloc",
        label="HS-TEST1",
    )
    out = ledger.post(
        source="student:HS-TEST1",
        destination="world",
        asset="VND",
        amount=400_000,
        kind="disbursement",
        ref="RD-TEST1",
        idempotency_key="t:hand",
        label="HS-TEST1",
    )
    db.session.commit()
    response = client.get("/sao-ke?campaign=hu-gao&kind=disbursement")
    assert seqs(response) == [out.entry.seq]
    assert "Trao tận tay" in response.get_data(as_text=True)


@pytest.mark.parametrize("probe", [3, 10_000])
def test_dense_and_sparse_filters_page_the_same_way(
    client, make_campaign, give, monkeypatch, probe
):
    from transparency.statement import services

    monkeypatch.setattr(services, "PROBE", probe)
    campaign = make_campaign("day-thua")
    entries = [give(campaign, 1_000 * (1 + i % 4)) for i in range(20)]
    expected = [e.seq for e in reversed(entries) if 2_000 <= e.amount <= 3_000]
    seen, cursor = [], None
    while True:
        args = {"min": 2_000, "max": 3_000, "limit": 4} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/ledger", query_string=args).get_json()
        seen += [e["seq"] for e in body["entries"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == expected
    # A rare amount, older than the newest entries: found by its own index.
    assert [
        e["seq"] for e in client.get("/api/v1/ledger?min=1000&max=1000").get_json()["entries"]
    ] == [e.seq for e in reversed(entries) if e.amount == 1_000]


def test_entries_written_past_the_orm_are_indexed_before_a_search(client, make_campaign, give):
    from sqlalchemy import delete

    from transparency.statement.models import StatementRow

    campaign = make_campaign("qua-orm")
    entry = give(campaign, 123_000, label="Hoàng Thị Lụa")
    db.session.execute(delete(StatementRow).where(StatementRow.seq == entry.seq))
    db.session.commit()
    assert seqs(client.get("/sao-ke?q=hoang+thi+lua")) == [entry.seq]
