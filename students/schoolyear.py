"""School years ("2026-2027") and their terms, shared by the follow-up sub-packages.

A school year runs from 15 August (the earliest return to school) to 31 May (the end of the
second term, as the ministry's yearly calendar sets it); HK1 ends on 15 January.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from app.errors import DomainError

YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
TERMS = ("HK1", "HK2")


def check_year(text: str, field: str = "school_year") -> str:
    """ "2026-2027": two consecutive years."""
    match = YEAR_RE.match((text or "").strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise DomainError(_l("Năm học phải có dạng “2026-2027” (hai năm liền nhau)."), field=field)
    return match[0]


def bounds(year: str) -> tuple[date, date]:
    """First and last day of a school year."""
    start = int(check_year(year)[:4])
    return date(start, 8, 15), date(start + 1, 5, 31)


def term_bounds(year: str, term: str) -> tuple[date, date]:
    """First and last day of a term of a school year."""
    first, last = bounds(year)
    middle = date(first.year + 1, 1, 15)
    return (first, middle) if term == "HK1" else (date(first.year + 1, 1, 16), last)


def check_in_year(day: date, year: str, field: str) -> date:
    """Refuse a day outside the school year, saying which days it spans."""
    first, last = bounds(year)
    if not first <= day <= last:
        raise DomainError(
            _l(
                "Ngày phải nằm trong năm học %(year)s (từ %(first)s đến %(last)s).",
                year=year,
                first=first.strftime("%d/%m/%Y"),
                last=last.strftime("%d/%m/%Y"),
            ),
            field=field,
        )
    return day


def year_of(day: date) -> str:
    """The school year a day belongs to (summer days count for the year that follows)."""
    start = day.year if day >= date(day.year, 6, 1) else day.year - 1
    return f"{start}-{start + 1}"


def current_year() -> str:
    """The school year of today."""
    return year_of(date.today())


def year_choices(around: str | None = None) -> list[str]:
    """The current school year, two before and one after."""
    start = int((around or current_year())[:4])
    return [f"{y}-{y + 1}" for y in range(start + 1, start - 3, -1)]
