"""Bank transfers: VietQR payloads, notifications (SePay, Casso), statements, matching, review."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the bank models, webhooks, back office, dashboard card, demo and `flask bank`."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.backoffice.views import add_dashboard_card
    from app.demo import add_seeder
    from donations.bank import (  # noqa: F401 - models, routes
        admin_views,
        cli,
        demo,
        models,
        month_models,
        reconciliation_demo,
        reconciliation_views,
        suggestions_views,
        uploads,
        webhooks,
    )

    app.register_blueprint(webhooks.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(reconciliation_views.admin)
    app.register_blueprint(reconciliation_views.public)
    nav.register_footer(
        _l("Đối soát ngân hàng hằng tháng"), "reconciliation.public_index", order=60
    )
    add_dashboard_card(admin_views.dashboard_card)
    add_seeder(20, demo.seed)
    add_seeder(35, reconciliation_demo.seed)  # after the students' hand-overs (30)
    cli.register(app)
