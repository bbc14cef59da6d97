"""In English the interface chrome is English: no Vietnamese words, one number format a page.

Content people typed (campaign titles, donors' names) stays as written; the test's campaign is
given English-looking content so any Vietnamese left on the page is the interface's.
"""

from __future__ import annotations

import re

import pytest

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def vietnamese_lines(html: str, names: list[str]) -> list[str]:
    """Lines with Vietnamese letters once the proper names (fund, units) are taken out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", html)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return [line.strip() for line in text.splitlines() if VIETNAMESE.search(line)]


@pytest.fixture
def english(client):
    client.get("/ngon-ngu/en")
    return client


@pytest.fixture
def campaign(make_campaign, give):
    c = make_campaign(
        unit="province",
        title="School Bikes",
        summary="Bikes for pupils far from school.",
        story_md="A long way to walk.",
        featured=True,
    )
    give(c, 1_250_000, label="Anna Test")
    return c


@pytest.mark.parametrize(
    "path", ["/", "/chien-dich/", "/ung-ho/{slug}", "/chien-dich/{slug}", "/trang-khong-co"]
)
def test_english_pages_have_no_vietnamese_chrome(app, english, campaign, units, path):
    names = [app.config["FUND_NAME"], app.config["FUND_SHORT_NAME"]]
    names += [u.name for u in units.values()]
    response = english.get(path.format(slug=campaign.slug))
    lines = vietnamese_lines(response.get_data(as_text=True), names)
    assert not lines, lines


def test_english_menu_and_number_format(english, campaign):
    page = english.get(f"/ung-ho/{campaign.slug}").get_data(as_text=True)
    assert ">Campaigns<" in page
    assert "1,250,000" in page and "1.250.000" not in page
    assert "₫200,000" in page and "200.000" not in page  # the amount tiles too
    tag = re.search(r'<input[^>]*id="amount_other"[^>]*>', page).group(0)
    assert 'placeholder="300,000"' in tag, tag
