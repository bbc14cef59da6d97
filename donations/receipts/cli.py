"""`flask cards resend-receipt`: e-mail a receipt again."""

from __future__ import annotations

import click
from sqlalchemy import select

from app import uow
from app.extensions import db
from donations.cards.cli import cards_cli
from donations.receipts.models import Receipt
from donations.receipts.services import send_receipt


@cards_cli.command("resend-receipt")
@click.argument("number")
@uow.command
def resend_receipt(number: str) -> None:
    """E-mail a receipt again to the address it was issued to."""
    receipt = db.session.execute(
        select(Receipt).where(Receipt.number == number.strip())
    ).scalar_one_or_none()
    if receipt is None:
        raise click.ClickException(f"Không có biên nhận số {number}.")
    if not receipt.email:
        raise click.ClickException("Biên nhận này không có địa chỉ e-mail.")
    send_receipt(receipt, background=False)  # now, so the message below is true
    click.echo(f"Đã gửi lại biên nhận {receipt.number} tới {receipt.email}.")
