"""`flask cards …`: post card reversals that were blocked, fetch Stripe fees not posted yet."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import uow
from donations.cards import fees, reversals

cards_cli = AppGroup("cards", help="Card payments (Stripe) and receipts.")


@cards_cli.command("post-blocked")
@uow.command
def post_blocked() -> None:
    """Post refunds and chargebacks that waited for the campaign to have the money."""
    result = reversals.post_blocked(None)
    click.echo(
        f"Đã ghi sổ {result.posted} khoản; còn {result.waiting} khoản chờ chiến dịch đủ số dư."
    )


@cards_cli.command("fetch-fees")
@uow.command
def fetch_fees() -> None:
    """Ask Stripe for the fees (and fees given back on refunds) not posted yet, and post them."""
    posted, returned = fees.fetch_waiting(None)
    waiting = sum(gift.fee_status == "pending" for gift in fees.waiting_gifts())
    click.echo(f"Đã ghi {posted} khoản phí, {returned} khoản hoàn phí; còn {waiting} khoản chờ.")
