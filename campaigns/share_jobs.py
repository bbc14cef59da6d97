"""Share cards are drawn by the worker, not in the request (a card costs about 250 ms of CPU).

The image request sends the card of the current totals when it is drawn. Otherwise it queues
the drawing and sends, meanwhile, the newest card already drawn (totals a little behind) or the
fund's generic image, with a short cache life so that the new card is fetched soon after.
"""

from __future__ import annotations

import time
from pathlib import Path

from app import uow
from app.extensions import db
from app.jobs.queue import job
from campaigns import figures
from campaigns.fund_card import draw_fund_card, fund_card_file, older_fund_card
from campaigns.models import Campaign
from campaigns.share import card_file, draw_card, older_card

FALLBACK = Path(__file__).resolve().parent.parent / "static" / "img" / "share-card.png"
# Scrapers ask for the same card many times at once: one job per card a minute is enough.
REQUEUE_SECONDS = 60
_queued: dict[str, float] = {}


@job("campaigns.draw_share_card", retries=3, delay=15)
def draw_share_card(campaign_id: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is not None:
        draw_card(campaign, figures.campaign_figures(campaign.account).raised)


@job("campaigns.draw_fund_card", retries=3, delay=15)
def draw_fund_share_card() -> None:
    totals = figures.fund_totals()
    draw_fund_card(totals.raised_vnd, totals.students)


def _queue_once(key: str, enqueue) -> None:
    now = time.monotonic()
    if now - _queued.get(key, -REQUEUE_SECONDS) < REQUEUE_SECONDS:
        return
    _queued[key] = now
    with uow.transaction():
        enqueue()


def campaign_card(campaign: Campaign, raised: dict[str, int]) -> tuple[Path, bool]:
    """(file to send, whether it shows these totals); queues the drawing when it does not."""
    path = card_file(campaign, raised)
    if not path.exists():
        _queue_once(path.name, lambda: draw_share_card.enqueue(campaign.id))
    if path.exists():  # drawn at once where jobs run immediately (tests, `make run` off)
        return path, True
    return older_card(campaign) or older_fund_card() or FALLBACK, False


def fund_card(raised: int, students: int) -> tuple[Path, bool]:
    """(file to send, whether it shows these totals); queues the drawing when it does not."""
    path = fund_card_file(raised, students)
    if not path.exists():
        _queue_once(path.name, draw_fund_share_card.enqueue)
    if path.exists():
        return path, True
    return older_fund_card() or FALLBACK, False


def forget_queued() -> None:
    """Tests: let the next request queue again."""
    _queued.clear()
