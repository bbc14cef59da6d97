"""Template filters and globals: money, dates, the fund's details, the back-office nav."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale

from app import stored_text
from app.dbtypes import VN_TZ
from app.money import format_quantity, format_vnd


def vnd(amount: int | None) -> str:
    """`1.500.000 ₫` in the visitor's language."""
    return format_vnd(int(amount or 0))


def quantity(amount: int | None, asset: str = "VND") -> str:
    """An amount of any asset, in words people use (kg of rice, bicycles…)."""
    return format_quantity(int(amount or 0), asset)


def _four_digit_year(fmt: str, kind: str) -> str:
    """The locale's "short" pattern with a four-digit year (01/12/2026, not 1/12/26)."""
    if fmt != "short":
        return fmt
    locale = get_locale()
    formats = locale.date_formats if kind == "date" else locale.datetime_formats
    if kind == "date":
        return formats["short"].pattern.replace("yy", "y").replace("d/M/", "dd/MM/")
    time = locale.time_formats["short"].pattern
    day = locale.date_formats["short"].pattern.replace("yy", "y").replace("d/M/", "dd/MM/")
    return str(formats["short"]).replace("{1}", day).replace("{0}", time)


def local_datetime(value: datetime | None, fmt: str = "short") -> str:
    """A UTC datetime shown in Vietnam's time zone (four-digit years)."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(VN_TZ), _four_digit_year(fmt, "datetime"))


def local_date(value: date | datetime | None, fmt: str = "short") -> str:
    """A date in the visitor's language, with a four-digit year."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date()
    return format_date(value, _four_digit_year(fmt, "date"))


def month_label(value: str) -> str:
    """A `YYYY-MM` month as people write it: 11/2026 in Vietnamese, November 2026 in English."""
    year, month = (int(part) for part in value.split("-"))
    pattern = "MM/y" if str(get_locale()).startswith("vi") else "MMMM y"
    return format_date(date(year, month, 1), pattern)


def stored(value, message: dict | None = None) -> str:
    """Stored text in the reader's language: `note|stored` (a note the system wrote in
    Vietnamese, or a person typed), `text|stored(message)`, or a value `stored_text.pack` made."""
    if message is not None:
        return stored_text.display(message, value)
    return stored_text.unpack(value)


def register(app: Flask) -> None:
    """Install filters and context."""
    app.add_template_filter(vnd)
    app.add_template_filter(quantity)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(month_label)
    app.add_template_filter(stored)

    @app.context_processor
    def fund_context() -> dict:
        from app.nav import backoffice_items, public_items

        cfg = current_app.config
        return {
            "fund": {
                "name": cfg["FUND_NAME"],
                "short_name": cfg["FUND_SHORT_NAME"],
                "email": cfg["FUND_EMAIL"],
                "phone": cfg["FUND_PHONE"],
                "address": cfg["FUND_ADDRESS"],
            },
            "get_locale": get_locale,
            "backoffice_nav": backoffice_items,
            "public_nav": public_items,
        }
