"""Peak periods of the school year, when drives keep children coming: after the summer break
and the weeks before Tết (its date moves with the lunar calendar, so it is a table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

# Mùng 1 Tết Nguyên đán.
TET = {
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
}
BEFORE_TET_DAYS = 30


@dataclass(frozen=True)
class Peak:
    """A peak period: its name and first and last day."""

    label: object
    first: date
    last: date

    def covers(self, first: date, last: date) -> bool:
        return first <= self.last and last >= self.first


def peaks(start_year: int) -> list[Peak]:
    """Peaks of the school year that starts in `start_year`."""
    out = [
        Peak(
            _l("Cao điểm sau hè (vận động trở lại trường)"),
            date(start_year, 8, 1),
            date(start_year, 9, 30),
        )
    ]
    tet = TET.get(start_year + 1)
    if tet is not None:
        out.append(
            Peak(
                _l("Cao điểm trước Tết"),
                tet - timedelta(days=BEFORE_TET_DAYS),
                tet - timedelta(days=1),
            )
        )
    return out


@dataclass
class Month:
    """One month of the calendar with its activities and the peaks that touch it."""

    first: date
    peaks: list[Peak] = field(default_factory=list)
    activities: list = field(default_factory=list)


def months(start_year: int, activities) -> list[Month]:
    """August to July of a school year, each month with its activities and peaks."""
    out = []
    all_peaks = peaks(start_year)
    for i in range(12):
        year, month = start_year + (7 + i) // 12, (7 + i) % 12 + 1
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        out.append(
            Month(
                first,
                [p for p in all_peaks if p.covers(first, last)],
                [a for a in activities if first <= a.held_on <= last],
            )
        )
    return out
