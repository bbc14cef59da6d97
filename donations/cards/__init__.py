"""Card payments through Stripe Checkout: sessions, payments, fees, refunds, disputes, webhook."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the card models, pages, webhook, back office, demo, `flask cards` and template
    helpers."""
    from app.demo import add_seeder
    from donations.cards import admin_views, demo, models, views  # noqa: F401 - models
    from donations.cards.cli import cards_cli
    from donations.cards.client import STRIPE_MAX_AMOUNT, card_enabled

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    add_seeder(25, demo.seed)
    app.cli.add_command(cards_cli)

    @app.context_processor
    def card_context() -> dict:
        return {"card_enabled": card_enabled(), "card_max_amount": STRIPE_MAX_AMOUNT}
