"""`flask bank …`: statement import and pledge housekeeping from the command line."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from tqdm import tqdm

from app import uow
from app.demo import demo_cli
from app.errors import DomainError
from app.extensions import db
from campaigns.models import Campaign
from donations.bank import importing, uploads
from donations.bank.models import StatementImport
from donations.pledges.bulk import bulk_pledges
from donations.pledges.demo import demo_campaign
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


class _Bar:
    """A terminal progress bar (tqdm on stderr) fed by the import's report after each chunk."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = None

    def __call__(self, report: importing.ImportReport) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = tqdm(total=report.rows_expected or None, unit=" dòng", desc="Nhập sao kê")
        self.bar.set_postfix(khop=report.matched, cho=report.to_review, trung=report.duplicates)
        self.bar.update(report.rows + report.skipped - self.bar.n)

    def finish(self, report: importing.ImportReport) -> None:
        """The last chunk: the count before parsing included headers and blank lines."""
        self(report)
        if self.bar is not None:
            self.bar.total = self.bar.n
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; save nothing.")
@click.option(
    "--account", default=None, help="Account number of the statement (default: the fund's)."
)
@click.option(
    "--chunk-size",
    default=importing.CHUNK_SIZE,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Rows committed together.",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@uow.command(exit_code=2)
def import_command(
    file: Path, dry_run: bool, account: str | None, chunk_size: int, progress: bool
) -> None:
    """Import a bank statement (.csv or .xlsx); safe to run again on the same file.

    Commits after every chunk: stopped half-way (Ctrl+C, a crash) and run again, it carries
    on and ends exactly as one uninterrupted run. Exits with status 2 when the file is refused.
    """
    bar = _Bar(progress and not dry_run)
    try:
        report = importing.import_statement(
            file,
            file.name,
            account=account,
            dry_run=dry_run,
            checkpoint=None if dry_run else uow.checkpoint,
            chunk_size=chunk_size,
            progress=bar,
        )
        bar.finish(report)
    finally:
        bar.close()
    if dry_run:
        uow.rollback()  # a dry run keeps nothing
    _print_report(report)


@bank_cli.command("resume")
@click.argument("import_id", type=int)
@uow.command(exit_code=2)
def resume_command(import_id: int) -> None:
    """Run a stopped upload's import here and now, from where it stopped."""
    record = uploads.resume_stalled(import_id, enqueue=False)
    uow.checkpoint()
    uploads.run_import(record.id)
    record = db.session.get(StatementImport, import_id)
    click.echo(
        f"Lần nhập #{record.id} ({record.filename}): {record.status}, {record.rows} dòng, "
        f"{record.matched} khớp, {record.to_review} chờ xử lý."
    )


@bank_cli.command("purge-uploads")
@uow.command
def purge_command() -> None:
    """Delete uploaded statements older than BANK_UPLOAD_RETENTION_DAYS."""
    count = uploads.purge_uploads()
    click.echo(f"Đã xoá {count} tệp sao kê quá hạn lưu.")


@demo_cli.command("bulk")
@click.option("--pledges", "count", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--campaign", "slug", default=None, help="Campaign slug (default: a demo one).")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same codes).")
@uow.command
def bulk_command(count: int, slug: str | None, seed: int | None) -> None:
    """Create N open bank pledges quickly (benchmarks, load tests)."""
    campaign = (
        db.session.execute(select(Campaign).where(Campaign.slug == slug)).scalar_one_or_none()
        if slug
        else demo_campaign()
    )
    if campaign is None:
        raise DomainError(_l("Không có chiến dịch nào đang nhận ủng hộ: chạy `flask demo seed`."))
    started = time.perf_counter()
    bulk_pledges(campaign, count, seed=seed)
    click.echo(
        f"Đã tạo {count} cam kết đang chờ cho chiến dịch {campaign.slug} "
        f"trong {time.perf_counter() - started:.1f} s."
    )


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
