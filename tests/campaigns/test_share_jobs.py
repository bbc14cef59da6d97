"""Share cards are drawn by the worker: the image request never draws one itself."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from campaigns import share, share_jobs
from tests.fixtures.app import run_next_job


@pytest.fixture(autouse=True)
def _fresh_queue_memory(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))  # no other test's cards
    share_jobs.forget_queued()
    yield
    share_jobs.forget_queued()


@pytest.fixture
def draws(monkeypatch):
    """Every card drawn, by campaign title."""
    made: list[str] = []
    real = share.render_card

    def counting(campaign, raised, fund):
        made.append(campaign.title)
        return real(campaign, raised, fund)

    monkeypatch.setattr(share, "render_card", counting)
    return made


def _size(response) -> tuple[int, int]:
    return Image.open(io.BytesIO(response.data)).size


def test_the_request_queues_the_card_and_the_worker_draws_it(
    client, held, draws, make_campaign, give
):
    campaign = make_campaign(title="Áo ấm cho em")
    url = f"/chien-dich/{campaign.slug}/anh-chia-se.png"
    first = client.get(url)
    # Nothing drawn in the request: the generic card, briefly cached, while the job waits.
    assert draws == [] and first.status_code == 200 and _size(first) == (1200, 630)
    assert first.data == share_jobs.FALLBACK.read_bytes()
    assert first.cache_control.max_age == 30
    assert len(held) == 1
    client.get(url)  # a second scraper: no second job
    assert len(held) == 1

    run_next_job(held)
    assert draws == ["Áo ấm cho em"]
    drawn = client.get(url)
    assert drawn.data != first.data and drawn.cache_control.max_age == 60
    assert len(held) == 0

    give(campaign, 2_500_000)
    share_jobs.forget_queued()
    stale = client.get(url + "?v=" + share.card_version(campaign, {"VND": 2_500_000}))
    # The old card is shown while the new one is drawn, and is not cached for a year.
    assert stale.data == drawn.data and stale.cache_control.max_age == 30
    run_next_job(held)
    fresh = client.get(url + "?v=" + share.card_version(campaign, {"VND": 2_500_000}))
    assert fresh.data != drawn.data and fresh.cache_control.max_age == 365 * 24 * 3600
    assert draws == ["Áo ấm cho em", "Áo ấm cho em"]


def test_the_fund_card_is_drawn_by_the_worker_too(client, held, make_campaign, give):
    give(make_campaign(unit="province"), 700_000)
    first = client.get("/anh-chia-se.png")
    assert first.data == share_jobs.FALLBACK.read_bytes() and len(held) == 1
    run_next_job(held)
    drawn = client.get("/anh-chia-se.png")
    assert drawn.data != first.data and _size(drawn) == (1200, 630)
    assert drawn.cache_control.max_age == 600


def test_a_card_for_another_campaign_is_never_shown(client, held, make_campaign):
    """Slugs that start alike ("ao", "ao-am") must not lend each other their cards."""
    short = make_campaign(slug="ao", title="Áo")
    longer = make_campaign(slug="ao-am", title="Áo ấm")
    client.get(f"/chien-dich/{longer.slug}/anh-chia-se.png")
    run_next_job(held)
    longer_card = client.get(f"/chien-dich/{longer.slug}/anh-chia-se.png").data
    # "ao" has no card yet: the generic one, not "ao-am"'s.
    stale = client.get(f"/chien-dich/{short.slug}/anh-chia-se.png").data
    assert stale == share_jobs.FALLBACK.read_bytes() != longer_card


def cards_of(campaign) -> list[Path]:
    """The campaign's cards in the share folder."""
    pattern = share.card_pattern(campaign)
    return [p for p in share.card_folder().iterdir() if pattern.fullmatch(p.name)]


def draw_card_of(client, held, campaign) -> None:
    client.get(f"/chien-dich/{campaign.slug}/anh-chia-se.png")
    run_next_job(held)


def test_a_new_card_replaces_the_old_ones_once_they_are_a_few_minutes_old(
    app, client, held, make_campaign, give
):
    campaign = make_campaign(slug="ao", title="Áo")
    neighbour = make_campaign(slug="ao-am", title="Áo ấm")
    for each in (campaign, neighbour):
        draw_card_of(client, held, each)
    [first], [other] = cards_of(campaign), cards_of(neighbour)
    old = time.time() - share.REPLACED_CARD_SECONDS - 60
    os.utime(first, (old, old))
    os.utime(other, (old, old))

    give(campaign, 1_200_000)
    draw_card_of(client, held, campaign)
    kept = [p.name for p in cards_of(campaign)]
    assert kept == [share.card_file(campaign, {"VND": 1_200_000}).name]
    assert other.exists()  # another campaign's card, however old, stays

    give(campaign, 300_000)  # a card drawn minutes ago may be being sent: it stays for now
    draw_card_of(client, held, campaign)
    assert len(cards_of(campaign)) == 2
