"""`flask ledger trace-sync`: bring the stored FIFO attribution up to the chain (after an
import or a bulk load, so that the first trace of a campaign does not replay it)."""

from __future__ import annotations

import click

from app import uow
from app.cli import ledger_cli
from transparency.trace import attribution


@ledger_cli.command("trace-sync")
@uow.command
def trace_sync_command() -> None:
    """Catch up the attribution of every campaign account (replays those that need it)."""
    count = attribution.sync_all()
    click.echo(f"Đã cập nhật phân bổ của {count} tài khoản chiến dịch.")
