"""GET /api/v1/ledger (DESIGN.md §8): filters, keyset cursor, entry fields, JSON errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.ledger import service as ledger

FIELDS = {
    "seq",
    "at",
    "kind",
    "source",
    "destination",
    "asset",
    "amount",
    "ref",
    "label",
    "campaign",
    "prev_hash",
    "hash",
}


@pytest.fixture
def entries(make_campaign, give):
    one = make_campaign("mot", title="Một")
    two = make_campaign("hai", title="Hai")
    at = datetime(2026, 4, 2, 5, 0, tzinfo=UTC)
    out = [
        give(one, 100_000, label="Đỗ Minh Châu", at=at),
        give(two, 250_000, label="", at=at),
        give(one, 900_000, label="Công ty TNHH Hòa Bình", at=at),
    ]
    moved = ledger.post(
        source=one.account,
        destination=two.account,
        asset="VND",
        amount=50_000,
        kind="reallocation",
        ref="RA-TEST",
        idempotency_key="t:realloc",
        label="Điều chuyển theo biên bản 3/2026",
        at=at,
    )
    db.session.commit()
    return [*out, moved.entry]


def get(client, **args):
    response = client.get("/api/v1/ledger", query_string=args)
    assert response.content_type == "application/json"
    return response


def test_entries_newest_first_with_every_field_of_the_contract(client, entries):
    response = get(client)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    body = response.get_json()
    assert body["next_cursor"] is None
    seqs = [e["seq"] for e in body["entries"]]
    assert seqs == sorted((e.seq for e in entries), reverse=True)
    first = body["entries"][-1]
    assert set(first) == FIELDS
    assert first["at"] == "2026-04-02T05:00:00Z"
    assert first["amount"] == 100_000 and first["asset"] == "VND"
    assert first["label"] == "Đỗ Minh Châu" and first["campaign"] == "mot"
    anonymous = body["entries"][-2]
    assert anonymous["label"] == "Nhà hảo tâm ẩn danh"
    # The chain shows through: each entry names the hash of the one before.
    by_seq = {e["seq"]: e for e in body["entries"]}
    for seq in list(by_seq)[:-1]:
        if seq - 1 in by_seq:
            assert by_seq[seq]["prev_hash"] == by_seq[seq - 1]["hash"]


def test_cursor_walks_every_entry_once(client, entries):
    seen, cursor = [], None
    while True:
        args = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = get(client, **args).get_json()
        seen += [e["seq"] for e in body["entries"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert seen == sorted((e.seq for e in entries), reverse=True)


def test_filters(client, entries):
    def seqs(**args):
        return [e["seq"] for e in get(client, **args).get_json()["entries"]]

    gift, anon, company, moved = entries
    assert seqs(q="hoa binh") == [company.seq]
    assert seqs(q="do minh chau") == [gift.seq]
    assert seqs(q=gift.ref.lower()) == [gift.seq]
    assert seqs(campaign="hai") == [moved.seq, anon.seq]  # a reallocation counts for both
    assert seqs(account="campaign:mot", kind="reallocation") == [moved.seq]
    assert seqs(min=200_000, max=900_000) == [company.seq, anon.seq]
    assert seqs(**{"from": "2026-04-02", "to": "2026-04-02"}) == [e.seq for e in entries[::-1]]
    assert seqs(**{"from": "2026-04-03"}) == []
    assert seqs(asset="rice_g") == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"cursor": "abc"}, "cursor"),
        ({"min": "-5"}, "min"),
        ({"from": "2026-13-01"}, "from"),
        ({"kind": "gift"}, "kind"),
        ({"account": "bank:x"}, "account"),
        ({"campaign": "a b"}, "campaign"),
    ],
)
def test_bad_arguments_are_json_errors(client, entries, args, field):
    response = get(client, **args)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["field"] == field and error["message"]


def test_limit_bounds(client, make_campaign, give):
    campaign = make_campaign("gioi-han")
    for i in range(60):
        give(campaign, 1_000 + i)
    body = get(client).get_json()
    assert len(body["entries"]) == 50 and body["next_cursor"]
    assert len(get(client, limit=200).get_json()["entries"]) == 60
