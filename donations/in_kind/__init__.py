"""In-kind gifts: goods a unit received, posted to the ledger in their own asset."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the in-kind models, back office and demo."""
    from app.demo import add_seeder
    from donations.in_kind import admin_views, demo, models  # noqa: F401 - models

    app.register_blueprint(admin_views.bp)
    add_seeder(21, demo.seed)
