"""Donations package (see DESIGN.md §3)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's models, blueprints, nav links, home sections and seeders."""
    from app.backoffice.views import add_dashboard_card
    from app.demo import add_seeder
    from donations import (
        admin_views,
        api,
        cli,
        demo,
        models,  # noqa: F401 - tables must be known to metadata and Alembic
        views,
        webhooks_bank,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(webhooks_bank.bp)
    add_dashboard_card(admin_views.dashboard_card)
    add_seeder(20, demo.seed)
    cli.register(app)

    # Card payments, receipts and "my gifts" (their own module so the two halves stay apart).
    from donations import cards

    cards.init_app(app)
