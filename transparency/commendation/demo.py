"""A demo commendation list: the first term of the demo year, ranked from the demo data, with
a citation written for the first unit, ready to print."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.units.models import Unit
from transparency.commendation.models import CommendationList
from transparency.commendation.services import ranked_entries

TITLE = "Tuyên dương sơ kết học kỳ I năm học 2026-2027"
CITATION = "Đơn vị tích cực đến từng gia đình, vận động các em trở lại lớp sau hè."


def seed_commendation(echo: Callable[[str], None]) -> None:
    """The list, looked up by its title."""
    province = db.session.execute(select(Unit).where(Unit.code == "tinh-doan")).scalar_one_or_none()
    if (
        province is None
        or db.session.execute(
            select(CommendationList.id).where(CommendationList.title == TITLE)
        ).first()
    ):
        return
    item = CommendationList(
        title=TITLE, first=date(2026, 8, 15), last=date(2027, 1, 15), unit_id=province.id
    )
    item.entries = ranked_entries(province, item.first, item.last)
    units = [e for e in item.entries if e.kind == "unit"]
    if units:
        units[0].citation = CITATION
    db.session.add(item)
    db.session.flush()
    echo(f"  danh sách tuyên dương demo: {len(item.entries)} mục")
