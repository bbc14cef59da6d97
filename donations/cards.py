"""Card payments, receipts and 'my gifts': what donations/__init__.py plugs in (idempotent)."""

from __future__ import annotations

from flask import Flask

from donations.stripe_checkout import DEFAULTS


def init_app(app: Flask) -> None:
    """Register the blueprint, the receipt signal receiver, template helpers and CLI once."""
    from app import mail
    from app.demo import add_seeder
    from donations import models_cards  # noqa: F401 - tables must be known to metadata
    from donations.card_admin_views import bp as admin_bp
    from donations.card_admin_views import register_nav
    from donations.card_views import bp
    from donations.cards_demo import seed as seed_cards
    from donations.receipts import (
        RECEIPT_MAIL,
        download_token,
        on_donation_received,
        render_receipt_mail,
    )
    from donations.signals import donation_received
    from donations.stripe_cli import cards_cli
    from donations.stripe_client import STRIPE_MAX_AMOUNT

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("MY_GIFTS_LINK_HOURS", 24)
    mail.register_renderer(RECEIPT_MAIL, render_receipt_mail)
    if bp.name in app.blueprints:
        return
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    register_nav()
    add_seeder(25, seed_cards)
    # blinker keeps one connection per receiver, so many app factories (tests) connect once.
    donation_received.connect(on_donation_received)
    app.cli.add_command(cards_cli)

    @app.context_processor
    def card_context() -> dict:
        return {
            "card_enabled": bool(app.config.get("STRIPE_SECRET_KEY")),
            "card_max_amount": STRIPE_MAX_AMOUNT,
            "receipt_token": download_token,
        }
