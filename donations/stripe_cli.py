"""`flask cards …`: post card reversals that were blocked, re-send a receipt."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app import uow
from app.extensions import db
from donations.models_cards import CardReversal, Receipt
from donations.receipts import send_receipt
from donations.stripe_reversals import _post_out

cards_cli = AppGroup("cards", help="Card payments (Stripe) and receipts.")


@cards_cli.command("post-blocked")
def post_blocked() -> None:
    """Post refunds and chargebacks that waited for the campaign to have the money."""
    rows = db.session.execute(
        select(CardReversal).where(CardReversal.status == "blocked").order_by(CardReversal.id)
    ).scalars()
    posted = waiting = 0
    for reversal in rows:
        _post_out(reversal.gift, reversal, reversal.kind, None)
        if reversal.status == "posted":
            posted += 1
        else:
            waiting += 1
    uow.commit()
    click.echo(f"Đã ghi sổ {posted} khoản; còn {waiting} khoản chờ chiến dịch đủ số dư.")


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
