"""`flask bank …`: statement import and pledge housekeeping from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app import uow
from donations.bank import importing
from donations.pledges.services import expire_pledges

bank_cli = AppGroup("bank", help="Bank transfers: statement import, pledge housekeeping.")


def _print_report(report: importing.ImportReport) -> None:
    click.echo(f"Tệp: {report.filename}{' (chạy thử, không lưu gì)' if report.dry_run else ''}")
    click.echo(f"  dòng tiền vào đọc được : {report.rows}")
    click.echo(f"  giao dịch mới          : {report.added - report.duplicates}")
    click.echo(f"    khớp tự động         : {report.matched}")
    click.echo(f"    chờ xử lý            : {report.to_review}")
    click.echo(f"    không tính           : {report.ignored}")
    click.echo(f"  trùng thông báo webhook: {report.duplicates}")
    click.echo(f"  đã nhập trước đó       : {report.already}")
    click.echo(f"  số tiền ghi nhận       : {report.amount_added} đồng")
    click.echo(f"  dòng bỏ qua            : {report.skipped}")
    for problem in report.problems:
        click.echo(f"    dòng {problem['line']}: {problem['reason']}")
    if report.receipts_queued and not report.dry_run:
        click.echo(
            f"  biên nhận e-mail       : {report.receipts_queued} thư đã xếp vào hàng đợi, "
            "chưa gửi. Chạy `flask mail send-pending` để gửi (có thể chạy nhiều lần, "
            "thư đã gửi không gửi lại)."
        )
    elif not report.dry_run:
        click.echo(
            "  biên nhận e-mail       : không có thư mới (chạy `flask mail send-pending` "
            "nếu còn thư chờ)."
        )


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
@click.option(
    "--account", default=None, help="Account number of the statement (default: the fund's)."
)
@uow.command(exit_code=2)
def import_command(file: Path, dry_run: bool, account: str | None) -> None:
    """Import a bank statement (.csv or .xlsx); safe to run again on the same file.

    Exits with status 2 when the file is refused.
    """
    report = importing.import_statement(
        file,
        file.name,
        account=account,
        dry_run=dry_run,
        checkpoint=None if dry_run else uow.checkpoint,
    )
    if dry_run:
        uow.rollback()  # a dry run keeps nothing
    _print_report(report)


@bank_cli.command("expire-pledges")
@uow.command
def expire_command() -> None:
    """Mark one-time pledges past their expiry, with nothing received, as expired."""
    count = expire_pledges()
    click.echo(f"Đã đánh dấu hết hạn {count} cam kết.")


def register(app: Flask) -> None:
    """Attach `flask bank`."""
    if "bank" not in app.cli.commands:
        app.cli.add_command(bank_cli)
