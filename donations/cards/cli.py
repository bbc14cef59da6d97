"""`flask cards …`: post card reversals that were blocked, re-send a receipt."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import uow
from donations.cards import reversals

cards_cli = AppGroup("cards", help="Card payments (Stripe) and receipts.")


@cards_cli.command("post-blocked")
@uow.command
def post_blocked() -> None:
    """Post refunds and chargebacks that waited for the campaign to have the money."""
    result = reversals.post_blocked(None)
    click.echo(
        f"Đã ghi sổ {result.posted} khoản; còn {result.waiting} khoản chờ chiến dịch đủ số dư."
    )
