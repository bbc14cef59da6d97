"""A campaign's pages hold its own entries and the reallocations into it, newest first, each
once, whether the newest entries hold a page (the probe) or not (a sparse, older match)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.ledger import service as ledger
from transparency.statement import services


@pytest.mark.parametrize("probe", [3, 10_000])
@pytest.mark.parametrize("dated", [False, True])
def test_campaign_pages_merge_own_entries_and_reallocations_in(
    client, make_campaign, give, monkeypatch, probe, dated
):
    monkeypatch.setattr(services, "PROBE", probe)
    mine, other = make_campaign("cua-minh"), make_campaign("ben-kia")
    start = datetime(2026, 1, 1, 3, tzinfo=UTC)
    expected = []
    for i in range(12):
        at = start + timedelta(days=i)
        give(other, 500_000, at=at)
        if i % 3 == 0:
            moved = ledger.post(
                source=other.account,
                destination=mine.account,
                asset="VND",
                amount=10_000 + i,
                kind="reallocation",
                ref=f"RA-{i}",
                idempotency_key=f"t:moved:{i}",
                at=at,
            ).entry
            db.session.commit()
            expected.append((moved.seq, at))
        else:
            expected.append((give(mine, 20_000 + i, at=at).seq, at))
    args = {"campaign": mine.slug, "limit": 2}
    if dated:  # 3 to 9 January, Vietnam time
        args |= {"from": "2026-01-03", "to": "2026-01-09"}
        expected = [(s, at) for s, at in expected if 2 <= (at - start).days <= 8]
    seen, cursor = [], None
    while True:
        body = client.get("/api/v1/ledger", query_string=args | {"cursor": cursor or ""})
        seen += [e["seq"] for e in body.get_json()["entries"]]
        cursor = body.get_json()["next_cursor"]
        if not cursor:
            break
    assert seen == sorted((s for s, _at in expected), reverse=True)
