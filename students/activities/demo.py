"""Demo activities: each demo district holds a few through the school year, the peaks too."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from app import private_files
from app.extensions import db
from app.fonts import BOLD
from app.units.models import Unit
from campaigns.models import GENERAL_FUND_SLUG, Campaign
from students.activities.event_demo import event_campaign
from students.activities.models import Activity, ActivityKind
from students.activities.photos import FOLDER, ActivityPhoto, PhotoConsent

# (unit code, kind, title, day, place, participants, students reached, campaign: "fund" for
# the general fund, "event" for the art programme's own campaign, None)
PLAN = [
    (
        "h-ban-may",
        "drive",
        "Vận động học sinh trở lại lớp sau hè",
        date(2026, 8, 25),
        "Xã Tà Lùng",
        {"members": 24, "teachers": 8},
        37,
        None,
    ),
    (
        "h-ban-may",
        "art_programme",
        "Đêm nghệ thuật “Thắp sáng ước mơ”",
        date(2026, 11, 20),
        "Nhà văn hoá huyện Bản Mây",
        {"members": 40, "volunteers": 15, "parents": 60},
        12,
        "event",
    ),
    (
        "h-ban-may",
        "drive",
        "Tết cho em – trao quà trước Tết",
        date(2027, 1, 20),
        "Trường PTDTBT THCS Tà Lùng",
        {"members": 18, "teachers": 6},
        45,
        None,
    ),
    (
        "h-suoi-hoa",
        "charity_class",
        "Lớp học tình thương bản Phong Lan",
        date(2026, 9, 12),
        "Bản Phong Lan",
        {"members": 6, "volunteers": 4},
        14,
        None,
    ),
    (
        "h-suoi-hoa",
        "encouragement",
        "Gặp mặt động viên học sinh trở lại lớp",
        date(2026, 10, 30),
        "Trường THCS Phong Lan",
        {"teachers": 9, "parents": 22, "students": 30},
        18,
        None,
    ),
    (
        "tp-son-ha",
        "summer_review",
        "Lớp ôn tập hè cho học sinh khó khăn",
        date(2026, 8, 3),
        "Phường Đồi Thông",
        {"members": 10, "teachers": 3},
        26,
        None,
    ),
    (
        "tp-son-ha",
        "drive",
        "Chạy bộ “Đến trường cùng em”",
        date(2027, 1, 10),
        "Quảng trường Sơn Hà",
        {"members": 80, "volunteers": 120},
        9,
        "fund",
    ),
]


def seed_activities(echo: Callable[[str], None]) -> None:
    """The plan above, looked up by unit, title and day."""
    units = {u.code: u for u in db.session.execute(select(Unit)).scalars()}
    fund = db.session.execute(
        select(Campaign).where(Campaign.slug == GENERAL_FUND_SLUG)
    ).scalar_one_or_none()
    event = event_campaign()
    campaigns = {"fund": fund, "event": event, None: None}
    made = 0
    for code, kind, title, day, place, people, reached, via in PLAN:
        unit = units.get(code)
        if unit is None:
            continue
        campaign = campaigns[via]
        exists = db.session.execute(
            select(Activity).where(
                Activity.unit_id == unit.id, Activity.title == title, Activity.held_on == day
            )
        ).scalar_one_or_none()
        if exists is not None:  # an older demo linked the art programme to the general fund
            exists.campaign_id = campaign.id if campaign else None
            continue
        db.session.add(
            Activity(
                unit_id=unit.id,
                kind=ActivityKind(kind),
                title=title,
                held_on=day,
                place=place,
                organisers=unit.name,
                participants=people,
                students_reached=reached,
                campaign_id=campaign.id if campaign else None,
            )
        )
        made += 1
    db.session.flush()
    echo(f"  hoạt động demo: {made}")


# (activity title, caption, public): drawn with Pillow, nobody in them.
PHOTOS = [
    ("Đêm nghệ thuật “Thắp sáng ước mơ”", "Sân khấu trước giờ mở màn", True),
    ("Đêm nghệ thuật “Thắp sáng ước mơ”", "Hậu trường: đạo cụ và đèn", False),
    ("Lớp học tình thương bản Phong Lan", "Lớp học sau buổi học", True),
]


def _drawing(caption: str, index: int) -> bytes:
    """A stage, or a classroom: coloured shapes, no person (never a real photo in demo data)."""
    img = Image.new("RGB", (960, 640), (24 + 30 * index, 32, 64))
    draw = ImageDraw.Draw(img)
    for i in range(8):  # lights
        x = 60 + i * 115
        draw.polygon([(x, 0), (x - 60, 420), (x + 60, 420)], fill=(90 + 20 * i, 80, 40 + 10 * i))
    draw.rectangle([0, 420, 960, 640], fill=(120, 70, 40))  # the stage or the floor
    draw.rectangle([180, 180, 780, 300], fill=(200, 40, 30))  # a banner
    font = ImageFont.truetype(str(BOLD), 34)  # DejaVu: every Vietnamese letter
    draw.text((480, 240), caption[:30], fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed_activity_photos(echo: Callable[[str], None]) -> None:
    """A few generated photos; the stage and the classroom are public (no child in them)."""
    made = 0
    for index, (title, caption, public) in enumerate(PHOTOS):
        activity = (
            db.session.execute(
                select(Activity).where(Activity.title == title).order_by(Activity.id)
            )
            .scalars()
            .first()
        )
        if activity is None:
            continue
        photo = db.session.execute(
            select(ActivityPhoto).where(
                ActivityPhoto.activity_id == activity.id, ActivityPhoto.caption == caption
            )
        ).scalar_one_or_none()
        if photo is not None and private_files.existing(photo.path):
            continue
        pending = private_files.image(_drawing(caption, index), FOLDER)
        private_files.write_atomically(private_files.absolute(pending.relative), pending.data)
        if photo is None:
            photo = ActivityPhoto(activity_id=activity.id, caption=caption)
            db.session.add(photo)
            made += 1
        photo.path = pending.relative
        photo.consent = PhotoConsent.no_children if public else PhotoConsent.none
        photo.public = public
    db.session.flush()
    echo(f"  ảnh hoạt động demo: {made}")
