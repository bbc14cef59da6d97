"""Reports: "sơ kết" and "tổng kết" for a date range and a unit (page, PDF by a job, XLSX),
small counts of children suppressed so that none can be worked out; the public yearly report."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Models, the back-office and public blueprints, menu links."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from transparency.reports import models, views  # noqa: F401 - tables and routes
    from transparency.reports.services import READERS

    for blueprint in (views.bp, views.public_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    nav.register(_l("Báo cáo sơ kết, tổng kết"), "reports.index", READERS, order=70)
    nav.register_public(_l("Báo cáo năm"), "reports_public.public_latest", order=80)
