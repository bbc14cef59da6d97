"""Public pages and the campaigns back office run as many queries for 30 gifts as for 3."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from app.extensions import db
from donations.bank.matching import Incoming, Matcher
from tests.fixtures.donations import FUND_ACCOUNT

_ids = itertools.count(1)


def _queries(client, query_count, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: first-request set-up is not the page
    with query_count() as counted:
        response = client.get(url)
    assert response.status_code == 200, url
    return counted.count


def test_campaign_page_with_many_gifts_and_donors(
    client, query_count, make_campaign, give, make_bank_pledge
):
    campaign = make_campaign()

    def add(n: int) -> None:
        for i in range(n):
            give(campaign, 100_000 + i, label=f"Nhà hảo tâm {i}")
            pledge = make_bank_pledge(
                campaign, amount=200_000, donor_name=f"Chị Thử {i}", show_on_wall=True
            )
            Matcher().receive(
                Incoming(
                    provider="sepay",
                    provider_id=f"c{next(_ids)}",
                    amount=200_000,
                    occurred_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
                    memo=f"ung ho {pledge.reference}",
                    account_number=FUND_ACCOUNT,
                )
            )
        db.session.commit()

    pages = [f"/chien-dich/{campaign.slug}", "/", "/chien-dich/", "/vinh-danh"]
    add(3)
    few = [_queries(client, query_count, url) for url in pages]
    add(27)
    assert [_queries(client, query_count, url) for url in pages] == few


def test_lists_of_many_campaigns(
    client, make_app, login_as, query_count, make_campaign, make_unit, give
):
    """The public list and home page (12 to a page), the back-office list (25 to a page)."""
    visitor = make_app().test_client()
    login_as("admin")

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            unit = make_unit("a" if i % 2 else "b", kind="district" if i % 2 else "school")
            give(make_campaign(f"chien-dich-{i}", unit=unit), 50_000)  # a unit each

    def counts() -> list[int]:
        public = [_queries(visitor, query_count, url) for url in ("/", "/chien-dich/")]
        return [*public, _queries(client, query_count, "/quan-tri/chien-dich/")]

    add(0, 3)
    few = counts()
    add(3, 27)
    assert counts() == few
