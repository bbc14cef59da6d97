"""The home page: a donate button in the first screen, sharing tags, recent gifts by date."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from PIL import Image


def test_home_has_a_donate_button_and_share_tags(client, make_campaign, give):
    campaign = make_campaign(unit="province", title="Học bổng Nổi bật", featured=True)
    give(campaign, 300_000)
    page = client.get("/").get_data(as_text=True)
    hero = page.split('class="hero"', 1)[1].split("</section>", 1)[0]
    assert f'href="/ung-ho/{campaign.slug}"' in hero and "Ủng hộ ngay" in hero
    image = re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)
    assert image.endswith("/anh-chia-se.png")
    assert f'<meta name="twitter:image" content="{image}">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta property="og:title"' in page
    card = client.get("/anh-chia-se.png")
    assert card.status_code == 200 and card.mimetype == "image/png"
    import io

    assert Image.open(io.BytesIO(card.data)).size == (1200, 630)


def test_recent_gifts_by_date_with_four_digit_years(client, make_campaign, give):
    campaign = make_campaign(unit="province")
    give(campaign, 100_000, label="Người Cũ Thử", at=datetime(2026, 3, 1, 3, tzinfo=UTC))
    give(campaign, 200_000, label="Người Mới Thử", at=datetime(2026, 11, 20, 3, tzinfo=UTC))
    # Recorded last, but the money arrived first (a statement imported late).
    give(campaign, 300_000, label="Người Sớm Thử", at=datetime(2025, 12, 30, 3, tzinfo=UTC))
    page = client.get("/").get_data(as_text=True)
    recent = page.split('id="recent-home-h"', 1)[1].split("</section>", 1)[0]
    names = re.findall(r"Người \w+ Thử", recent)
    assert names == ["Người Mới Thử", "Người Cũ Thử", "Người Sớm Thử"]
    assert "20/11/2026" in recent and "30/12/2025" in recent
