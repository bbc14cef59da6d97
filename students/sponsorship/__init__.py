"""Sponsorship of one named student ("nhận đỡ đầu"), term updates, the sponsor's private page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the sponsorship models and routes (on the `sponsors`, `students` and
    `students_public` blueprints), menu link."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from students.sponsorship import models, views  # noqa: F401 - tables and routes

    nav.register(
        _l("Đỡ đầu"), "sponsors.index", ("admin", "manager", "treasurer", "auditor"), order=46
    )
