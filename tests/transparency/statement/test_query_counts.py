"""The statement, its API and its CSV run as many queries for 30 entries as for 3."""

from __future__ import annotations

import pytest


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: first-request set-up is not the page
    with query_count() as counted:
        response = client.get(url)
        response.get_data()
    assert response.status_code == 200, url
    return counted.count


@pytest.mark.parametrize(
    "url", ["/sao-ke", "/sao-ke?q=tran+thi", "/api/v1/ledger", "/sao-ke/tai-ve.csv"]
)
def test_queries_do_not_grow_with_the_entries(client, query_count, make_campaign, give, url):
    n = iter(range(100))

    def add(count: int) -> None:
        for _ in range(count):
            i = next(n)
            # Each entry its own campaign: a campaign loaded per row would show.
            campaign = make_campaign(f"qc-{i}", title=f"Chiến dịch {i}")
            give(campaign, 100_000 + i, label=f"Trần Thị {i}")

    add(3)
    few = _queries(client, query_count, url)
    add(27)
    assert _queries(client, query_count, url) == few
