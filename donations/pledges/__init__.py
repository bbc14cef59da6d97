"""Pledges: the donation form, reference codes, the pledge page with its VietQR, the pledge API."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pledge models and blueprints."""
    from donations.pledges import admin_views, api, models, views  # noqa: F401 - models

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin_views.bp)
