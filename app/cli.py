"""Command-line tools: `flask users …`, `flask ledger …` and `flask mail …`."""

from __future__ import annotations

import json
import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import or_, select

from app import uow
from app.auth import services as auth
from app.auth.models import Role, User
from app.extensions import db
from app.ledger.verify import export_records, verify_database
from app.units.models import Unit

users_cli = AppGroup("users", help="Back-office accounts.")
ledger_cli = AppGroup("ledger", help="The hash-chained ledger.")
mail_cli = AppGroup("mail", help="The e-mail outbox.")


def _find_unit(value: str) -> Unit:
    unit = db.session.execute(
        select(Unit).where(
            or_(Unit.code == value, Unit.id == (int(value) if value.isdigit() else -1))
        )
    ).scalar_one_or_none()
    if unit is None:
        raise click.ClickException(f"Không có đơn vị '{value}'. Xem mã đơn vị ở trang Đơn vị.")
    return unit


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", "unit_ref", required=True, help="Unit code or id")
@click.option("--name", "display_name", default="", help="Display name (defaults to the e-mail)")
@click.password_option("--password", prompt="Mật khẩu", confirmation_prompt="Nhập lại mật khẩu")
@uow.command
def create_user(email: str, role: str, unit_ref: str, display_name: str, password: str) -> None:
    """Create a back-office user, prompting for the password."""
    unit = _find_unit(unit_ref)
    user = auth.create_user(
        None,
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        unit_id=unit.id,
        password=password,
    )
    click.echo(f"Đã tạo {user.email} ({user.role.value}, {unit.name}).")


@users_cli.command("otp")
@click.argument("email")
def current_otp(email: str) -> None:
    """Print the current two-factor code of a demo user (never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Lệnh này không dùng trong môi trường production.")
    user = auth.find_by_email(email)
    if user is None or not user.totp_secret:
        raise click.ClickException("Không có người dùng này, hoặc chưa bật xác thực hai lớp.")
    click.echo(pyotp.TOTP(user.totp_secret).now())


@users_cli.command("list")
def list_users() -> None:
    """List users with role and unit."""
    for user in db.session.execute(select(User).order_by(User.email)).scalars():
        click.echo(
            f"{user.email}\t{user.role.value}\t{user.unit.code}\t{'active' if user.active else 'inactive'}"
        )


@ledger_cli.command("verify")
def verify() -> None:
    """Recompute the hash chain; exit 1 at the first broken entry."""
    result = verify_database(
        workers=2
    )  # two processes for a large ledger (app/ledger/verify_parallel.py)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(1)


@ledger_cli.command("export")
def export() -> None:
    """Every entry as JSON Lines on stdout."""
    for record in export_records():
        click.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


@mail_cli.command("send-pending")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most N.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Per batch.")
def mail_send_pending(limit: int | None, batch_size: int | None) -> None:
    """Send queued e-mail that is due (imports, retries after a failure), in batches."""
    from app import mail

    report = mail.send_pending(
        limit=limit, batch_size=batch_size, between_batches=db.session.rollback
    )
    db.session.rollback()
    click.echo(
        f"Đã gửi {report.sent} thư; {report.retrying} thư lỗi sẽ thử lại sau; "
        f"{report.given_up} thư bỏ hẳn sau quá nhiều lần lỗi."
    )
    left = mail.counts()
    click.echo(
        f"Còn trong hàng đợi: {left['pending'] + left['sending']} thư ({left['due']} đến hạn gửi)."
    )
    if report.server_down:
        click.echo(f"Không kết nối được máy chủ thư, đã dừng: {report.server_down}", err=True)
        sys.exit(1)


@mail_cli.command("status")
def mail_status() -> None:
    """Messages in the outbox per status."""
    from app import mail

    for status, count in mail.counts().items():
        click.echo(f"{status:<8} {count}")


def register(app: Flask) -> None:
    """Attach the command groups."""
    from app import mail_models  # noqa: F401 - the outbox table must be known to metadata

    app.cli.add_command(users_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(mail_cli)
