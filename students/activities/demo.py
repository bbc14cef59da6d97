"""Demo activities: each demo district holds a few through the school year, the peaks too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from campaigns.models import GENERAL_FUND_SLUG, Campaign
from students.activities.models import Activity, ActivityKind

# (unit code, kind, title, day, place, participants, students reached, via the general fund)
PLAN = [
    (
        "h-ban-may",
        "drive",
        "Vận động học sinh trở lại lớp sau hè",
        date(2026, 8, 25),
        "Xã Tà Lùng",
        {"members": 24, "teachers": 8},
        37,
        False,
    ),
    (
        "h-ban-may",
        "art_programme",
        "Đêm nghệ thuật “Thắp sáng ước mơ”",
        date(2026, 11, 20),
        "Nhà văn hoá huyện Bản Mây",
        {"members": 40, "volunteers": 15, "parents": 60},
        12,
        True,
    ),
    (
        "h-ban-may",
        "drive",
        "Tết cho em – trao quà trước Tết",
        date(2027, 1, 20),
        "Trường PTDTBT THCS Tà Lùng",
        {"members": 18, "teachers": 6},
        45,
        False,
    ),
    (
        "h-suoi-hoa",
        "charity_class",
        "Lớp học tình thương bản Phong Lan",
        date(2026, 9, 12),
        "Bản Phong Lan",
        {"members": 6, "volunteers": 4},
        14,
        False,
    ),
    (
        "h-suoi-hoa",
        "encouragement",
        "Gặp mặt động viên học sinh trở lại lớp",
        date(2026, 10, 30),
        "Trường THCS Phong Lan",
        {"teachers": 9, "parents": 22, "students": 30},
        18,
        False,
    ),
    (
        "tp-son-ha",
        "summer_review",
        "Lớp ôn tập hè cho học sinh khó khăn",
        date(2026, 8, 3),
        "Phường Đồi Thông",
        {"members": 10, "teachers": 3},
        26,
        False,
    ),
    (
        "tp-son-ha",
        "drive",
        "Chạy bộ “Đến trường cùng em”",
        date(2027, 1, 10),
        "Quảng trường Sơn Hà",
        {"members": 80, "volunteers": 120},
        9,
        True,
    ),
]


def seed_activities(echo: Callable[[str], None]) -> None:
    """The plan above, looked up by unit, title and day."""
    units = {u.code: u for u in db.session.execute(select(Unit)).scalars()}
    fund = db.session.execute(
        select(Campaign).where(Campaign.slug == GENERAL_FUND_SLUG)
    ).scalar_one_or_none()
    made = 0
    for code, kind, title, day, place, people, reached, via_fund in PLAN:
        unit = units.get(code)
        if unit is None:
            continue
        exists = db.session.execute(
            select(Activity.id).where(
                Activity.unit_id == unit.id, Activity.title == title, Activity.held_on == day
            )
        ).first()
        if exists:
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
                campaign_id=fund.id if via_fund and fund else None,
            )
        )
        made += 1
    db.session.flush()
    echo(f"  hoạt động demo: {made}")
