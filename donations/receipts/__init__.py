"""Receipts: numbered when a gift is recorded, e-mailed with their PDF, checked in public, and
"my gifts", the donor's signed link to all of them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the receipt models, pages, mail renderer, signal receiver and command."""
    from app import mail
    from donations.pledges.thanks import add_link_provider
    from donations.receipts import cli, models, views  # noqa: F401 - models, command
    from donations.receipts.bulk import on_donations_recorded
    from donations.receipts.links import pledge_receipt_links
    from donations.receipts.mail import render_receipt_mail
    from donations.receipts.services import RECEIPT_MAIL, download_token, on_donation_received
    from donations.signals import donation_received, donations_recorded

    mail.register_renderer(RECEIPT_MAIL, render_receipt_mail)
    app.register_blueprint(views.bp)
    # blinker keeps one connection per receiver, so many app factories (tests) connect once.
    donation_received.connect(on_donation_received)
    donations_recorded.connect(on_donations_recorded)
    add_link_provider(pledge_receipt_links)

    @app.context_processor
    def receipt_context() -> dict:
        return {"receipt_token": download_token}
