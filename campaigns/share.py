"""The share card: a 1200×630 PNG per campaign (title, progress, amount raised, fund name).

Cards are files named after a digest of what they show, so a new total gives a new file (and a
new URL for Facebook and Zalo to fetch) while an unchanged one is drawn only once.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
from pathlib import Path

from flask import current_app
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from app.fonts import BOLD, REGULAR
from app.money import format_quantity
from campaigns.images import image_exists, variant_path
from campaigns.models import Campaign

WIDTH, HEIGHT = 1200, 630
REPLACED_CARD_SECONDS = 600
FIRST_GIFT = "Hãy là người đầu tiên ủng hộ"
BRAND = (179, 38, 30)
GREEN = (11, 107, 58)
INK = (27, 31, 36)
TRACK = (227, 230, 235)


def main_goal(campaign: Campaign, raised: dict[str, int]) -> tuple[str, int, int]:
    """(asset, raised, target) of the goal shown first: the đồng goal when there is one."""
    goals = sorted(campaign.goals, key=lambda g: (g.asset != "VND", g.id or 0))
    if goals:
        goal = goals[0]
        return goal.asset, raised.get(goal.asset, 0), goal.target
    return "VND", raised.get("VND", 0), 0


def percent(done: int, target: int) -> int:
    """Whole percent of a goal reached (integer arithmetic, may exceed 100)."""
    return done * 100 // target if target > 0 else 0


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu font, which covers every Vietnamese letter."""
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int, lines: int) -> list[str]:
    """Greedy word wrap into at most `lines` lines, the last one ellipsised."""
    out: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=face) <= width:
            current = trial
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    if len(out) == lines and " ".join(out) != " ".join(text.split()):
        last = out[-1]
        while last and draw.textlength(last + "…", font=face) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _digest(campaign: Campaign, asset: str, done: int, target: int, fund: str) -> str:
    key = f"v2|{campaign.title}|{campaign.cover_image}|{asset}|{done}|{target}|{fund}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def card_version(campaign: Campaign, raised: dict[str, int]) -> str:
    """A short digest of what the card shows; changes whenever the totals change."""
    asset, done, target = main_goal(campaign, raised)
    return _digest(campaign, asset, done, target, current_app.config["FUND_NAME"])


def card_texts(campaign: Campaign, raised: dict[str, int]) -> tuple[str, str]:
    """The amount line and the goal line the card shows (the goal line is "" without a goal)."""
    asset, done, target = main_goal(campaign, raised)
    goal = ""
    if target:
        goal = f"{percent(done, target)}% · mục tiêu {format_quantity(target, asset, 'vi')}"
    if not done:
        # "0 ₫" reads as failure; a new campaign invites the first gift instead.
        return FIRST_GIFT, goal.split(" · ", 1)[-1] if goal else ""
    return format_quantity(done, asset, "vi"), goal


PANEL = 560  # the cover's panel on the left


def cover_panel(path: Path) -> Image.Image:
    """The cover fitted whole into the panel, on a blurred, lightened copy of itself."""
    with Image.open(path) as cover:
        cover = cover.convert("RGB")
    fill = max(PANEL / cover.width, HEIGHT / cover.height)
    back = cover.resize((int(cover.width * fill) + 1, int(cover.height * fill) + 1))
    left, top = (back.width - PANEL) // 2, (back.height - HEIGHT) // 2
    back = back.crop((left, top, left + PANEL, top + HEIGHT)).filter(ImageFilter.GaussianBlur(24))
    back = Image.blend(back, Image.new("RGB", back.size, "white"), 0.35)
    fit = min(PANEL / cover.width, HEIGHT / cover.height)
    front = cover.resize((max(1, int(cover.width * fit)), max(1, int(cover.height * fit))))
    back.paste(front, ((PANEL - front.width) // 2, (HEIGHT - front.height) // 2))
    return back


def render_card(campaign: Campaign, raised: dict[str, int], fund_name: str) -> bytes:
    """Draw the card as PNG bytes."""
    asset, done, target = main_goal(campaign, raised)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    text_left = 60
    if image_exists(campaign.cover_image):
        image.paste(cover_panel(variant_path(campaign.cover_image, "card", "jpg")), (0, 0))
        text_left = PANEL + 44
    draw.rectangle((0, 0, WIDTH, 14), fill=BRAND)
    width = WIDTH - text_left - 50
    draw.text((text_left, 50), fund_name, font=font(28, bold=True), fill=BRAND)
    y = 110
    for line in wrap(draw, campaign.title, font(52, bold=True), width, 3):
        draw.text((text_left, y), line, font=font(52, bold=True), fill=INK)
        y += 66
    y = max(y + 30, 360)
    share = min(percent(done, target), 100)
    draw.rounded_rectangle((text_left, y, text_left + width, y + 34), radius=17, fill=TRACK)
    if share:
        filled = max(34, width * share // 100)
        draw.rounded_rectangle((text_left, y, text_left + filled, y + 34), radius=17, fill=GREEN)
    y += 56
    amount, goal = card_texts(campaign, raised)
    if done:
        draw.text((text_left, y), amount, font=font(46, bold=True), fill=GREEN)
        y += 62
    else:
        for line in wrap(draw, amount, font(38, bold=True), width, 2):
            draw.text((text_left, y), line, font=font(38, bold=True), fill=GREEN)
            y += 50
        y += 8
    if goal:
        draw.text((text_left, y), goal, font=font(28), fill=INK)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def card_file(campaign: Campaign, raised: dict[str, int]) -> Path:
    """Where the card for these totals is (or will be) kept."""
    fund = current_app.config["FUND_NAME"]
    asset, done, target = main_goal(campaign, raised)
    return card_folder() / f"{campaign.slug}-{_digest(campaign, asset, done, target, fund)}.png"


def card_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "share"


def write_atomically(path: Path, data: bytes) -> None:
    """A reader sees the whole file or none (the worker and the web serve the same folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def draw_card(campaign: Campaign, raised: dict[str, int]) -> Path:
    """The card file for these totals, drawn now if it is not there (the worker's job)."""
    path = card_file(campaign, raised)
    if not path.exists():
        write_atomically(path, render_card(campaign, raised, current_app.config["FUND_NAME"]))
        prune(card_pattern(campaign), keep=path)
    return path


def newest(pattern: re.Pattern[str]) -> Path | None:
    """The most recently drawn card whose name matches (shown while a newer one is drawn)."""
    folder = card_folder()
    if not folder.is_dir():
        return None
    found = [p for p in folder.iterdir() if pattern.fullmatch(p.name)]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def card_pattern(campaign: Campaign) -> re.Pattern[str]:
    """The names of this campaign's cards (not those of a campaign whose slug starts alike)."""
    return re.compile(re.escape(campaign.slug) + r"-[0-9a-f]{16}\.png")


def older_card(campaign: Campaign) -> Path | None:
    """This campaign's newest card, whatever totals it shows."""
    return newest(card_pattern(campaign))


def prune(pattern: re.Pattern[str], keep: Path) -> None:
    """Delete the cards `keep` replaces, once they are a few minutes old (a request may have
    just chosen one to send). A card's URL names no file, so no link breaks; the folder and
    the look-up for the newest card stay small."""
    cutoff = time.time() - REPLACED_CARD_SECONDS
    for path in card_folder().iterdir():
        if path != keep and pattern.fullmatch(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
