"""The fund's own share image (home page Open Graph / Twitter): name, promise, what it raised."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw

from app.money import format_vnd
from campaigns.share import (
    BRAND,
    GREEN,
    HEIGHT,
    INK,
    WIDTH,
    card_folder,
    font,
    newest,
    prune,
    wrap,
    write_atomically,
)

FUND_CARDS = re.compile(r"fund-[0-9a-f]{16}\.png")
TAGLINE = "Cùng giữ các em ở lại trường. Mọi đồng ủng hộ đều công khai trên sổ cái."


def render_fund_card(fund_name: str, raised: int, students: int) -> bytes:
    """Draw the fund's card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=BRAND)
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=BRAND)
    left, width = 80, WIDTH - 160
    y = 90
    for line in wrap(draw, fund_name, font(64, bold=True), width, 2):
        draw.text((left, y), line, font=font(64, bold=True), fill=BRAND)
        y += 80
    y += 20
    for line in wrap(draw, TAGLINE, font(34), width, 3):
        draw.text((left, y), line, font=font(34), fill=INK)
        y += 46
    y = max(y + 40, 420)
    if raised:
        draw.text(
            (left, y), f"Đã nhận {format_vnd(raised, 'vi')}", font=font(48, bold=True), fill=GREEN
        )
        if students:
            draw.text((left, y + 64), f"{students} học sinh được hỗ trợ", font=font(32), fill=INK)
    else:
        draw.text((left, y), "Hãy là người đầu tiên ủng hộ", font=font(48, bold=True), fill=GREEN)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def fund_card_version(raised: int, students: int) -> str:
    """A short digest of what the card shows."""
    fund = current_app.config["FUND_NAME"]
    return hashlib.sha256(f"fund-v1|{fund}|{raised}|{students}".encode()).hexdigest()[:16]


def fund_card_file(raised: int, students: int) -> Path:
    """Where the card for these totals is (or will be) kept."""
    return card_folder() / f"fund-{fund_card_version(raised, students)}.png"


def draw_fund_card(raised: int, students: int) -> Path:
    """The card file for these totals, drawn now if it is not there (the worker's job)."""
    path = fund_card_file(raised, students)
    if not path.exists():
        write_atomically(path, render_fund_card(current_app.config["FUND_NAME"], raised, students))
        prune(FUND_CARDS, keep=path)
    return path


def older_fund_card() -> Path | None:
    """The fund's newest card, whatever totals it shows."""
    return newest(FUND_CARDS)
