"""The share card of a new campaign: the whole cover (fitted, not a strip), an invitation."""

from __future__ import annotations

import io

from PIL import Image

from app.extensions import db
from campaigns.images import store_image
from campaigns.share import FIRST_GIFT, card_texts, render_card


def wide_cover() -> bytes:
    """A 16:9 cover: red on the left third, green in the middle, blue on the right."""
    image = Image.new("RGB", (1600, 900), "green")
    image.paste(Image.new("RGB", (533, 900), "red"), (0, 0))
    image.paste(Image.new("RGB", (533, 900), "blue"), (1067, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_new_campaign_card_invites_the_first_gift(ctx, make_campaign):
    campaign = make_campaign(unit="province")
    amount, goal = card_texts(campaign, {})
    assert amount == FIRST_GIFT and "0 ₫" not in amount
    assert goal == "mục tiêu 10.000.000 ₫"


def test_card_shows_the_whole_cover(ctx, make_campaign):
    campaign = make_campaign(unit="province")
    campaign.cover_image = store_image(wide_cover())
    db.session.commit()
    card = Image.open(io.BytesIO(render_card(campaign, {}, "Quỹ Thử"))).convert("RGB")
    card.save("/tmp/i12-share-card.png")
    middle = card.height // 2
    # Both ends of the cover are on the card: nothing cut to a narrow strip.
    left = card.getpixel((20, middle))
    right = card.getpixel((530, middle))
    assert left[0] > 150 and left[1] < 90 and left[2] < 90, left  # red
    assert right[2] > 150 and right[0] < 90 and right[1] < 90, right  # blue
