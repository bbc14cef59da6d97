"""`flask cards …`: post card reversals that were blocked, re-send a receipt."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app import uow
from app.extensions import db
from donations import stripe_reversals as reversals
from donations.models_cards import Receipt
from donations.receipts import send_receipt

cards_cli = AppGroup("cards", help="Card payments (Stripe) and receipts.")


@cards_cli.command("post-blocked")
def post_blocked() -> None:
    """Post refunds and chargebacks that waited for the campaign to have the money."""
    result = reversals.post_blocked(None)
    uow.commit()
    click.echo(
        f"Đã ghi sổ {result.posted} khoản; còn {result.waiting} khoản chờ chiến dịch đủ số dư."
    )


@cards_cli.command("resend-receipt")
@click.argument("number")
def resend_receipt(number: str) -> None:
    """E-mail a receipt again to the address it was issued to."""
    receipt = db.session.execute(
        select(Receipt).where(Receipt.number == number.strip())
    ).scalar_one_or_none()
    if receipt is None:
        raise click.ClickException(f"Không có biên nhận số {number}.")
    if not receipt.email:
        raise click.ClickException("Biên nhận này không có địa chỉ e-mail.")
    send_receipt(receipt)
    uow.commit()
    click.echo(f"Đã gửi lại biên nhận {receipt.number} tới {receipt.email}.")
