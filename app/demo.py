"""`flask demo seed`: an invented province with users, units and a few ledger entries.

Idempotent: every row is looked up by a natural key before it is created, and ledger entries
carry fixed idempotency keys, so a second run changes nothing. No real person appears here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy import select

from app import uow
from app.auth.models import Role, User
from app.auth.services import hash_password
from app.extensions import db
from app.ledger import service as ledger
from app.ledger.models import Asset
from app.units.models import Commune, School, Unit, UnitKind


def _refuse_in_production() -> None:
    """Demo data has known passwords and a demo bank account: never on the real site."""
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    if app.config.get("ENV_NAME") == "production":
        raise click.ClickException(
            "`flask demo` không chạy trong môi trường production (APP_ENV=production): dữ liệu "
            "demo có mật khẩu công khai. / `flask demo` refuses to run in production."
        )


demo_cli = AppGroup(
    "demo",
    help="Demo data for a living site (never in production).",
    callback=_refuse_in_production,
)
# Domain packages add their own seeders: callables taking `echo`, run in order after the core.
SEEDERS: list[tuple[int, Callable[[Callable[[str], None]], None]]] = []

ASSETS = [
    ("VND", "Tiền (đồng)", "₫", 1),
    ("RICE_G", "Gạo (gam)", "g", 20),
    ("BICYCLE", "Xe đạp", "chiếc", 1_800_000),
    ("SUPPLY_SET", "Bộ dụng cụ học tập", "bộ", 250_000),
]

UNITS = [
    ("tinh-doan", "Tỉnh Đoàn Sơn Hà", UnitKind.province, None),
    ("tp-son-ha", "Thành Đoàn Sơn Hà", UnitKind.district, "tinh-doan"),
    ("h-ban-may", "Huyện Đoàn Bản Mây", UnitKind.district, "tinh-doan"),
    ("h-suoi-hoa", "Huyện Đoàn Suối Hoa", UnitKind.district, "tinh-doan"),
    ("khoi-cq", "Đoàn Khối các cơ quan tỉnh", UnitKind.direct, "tinh-doan"),
    ("thpt-ban-may", "Đoàn trường THPT Bản Mây", UnitKind.school, "h-ban-may"),
    ("thcs-ta-lung", "Đoàn trường PTDTBT THCS Tà Lùng", UnitKind.school, "h-ban-may"),
    ("thpt-suoi-hoa", "Đoàn trường THPT Suối Hoa", UnitKind.school, "h-suoi-hoa"),
]

COMMUNES = [
    ("Xã Bản Mây", "h-ban-may"),
    ("Xã Tà Lùng", "h-ban-may"),
    ("Xã Nậm Sương", "h-ban-may"),
    ("Xã Suối Hoa", "h-suoi-hoa"),
    ("Xã Phong Lan", "h-suoi-hoa"),
    ("Phường Đồi Thông", "tp-son-ha"),
]

SCHOOLS = [
    ("Trường PTDTBT TH Bản Mây", "tieu-hoc", "Xã Bản Mây", "h-ban-may"),
    ("Trường PTDTBT THCS Tà Lùng", "thcs", "Xã Tà Lùng", "thcs-ta-lung"),
    ("Trường THPT Bản Mây", "thpt", "Xã Bản Mây", "thpt-ban-may"),
    ("Trường TH&THCS Nậm Sương", "lien-cap", "Xã Nậm Sương", "h-ban-may"),
    ("Trường THPT Suối Hoa", "thpt", "Xã Suối Hoa", "thpt-suoi-hoa"),
    ("Trường THCS Phong Lan", "thcs", "Xã Phong Lan", "h-suoi-hoa"),
    ("Trường THCS Đồi Thông", "thcs", "Phường Đồi Thông", "tp-son-ha"),
]

# (email, name, role, unit code, password, TOTP secret for the roles that must have one)
DEMO_USERS = [
    (
        "admin@demo.thapsang.vn",
        "Quản trị Văn phòng",
        Role.admin,
        "tinh-doan",
        "demo-admin-2026",
        "JBSWY3DPEHPK3PXPADMIN234",
    ),
    (
        "thuquy@demo.thapsang.vn",
        "Thủ quỹ Quỹ",
        Role.treasurer,
        "tinh-doan",
        "demo-thuquy-2026",
        "JBSWY3DPEHPK3PXPTREAS567",
    ),
    (
        "quanly@demo.thapsang.vn",
        "Quản lý Huyện Đoàn Bản Mây",
        Role.manager,
        "h-ban-may",
        "demo-quanly-2026",
        None,
    ),
    (
        "quanly2@demo.thapsang.vn",
        "Quản lý Huyện Đoàn Suối Hoa",
        Role.manager,
        "h-suoi-hoa",
        "demo-quanly2-2026",
        None,
    ),
    (
        "totac@demo.thapsang.vn",
        "Tổ công tác Bản Mây",
        Role.field,
        "h-ban-may",
        "demo-totac-2026",
        None,
    ),
    (
        "kiemtoan@demo.thapsang.vn",
        "Kiểm toán viên",
        Role.auditor,
        "tinh-doan",
        "demo-kiemtoan-2026",
        None,
    ),
]

DEMO_ENTRIES = [
    # Opening gifts to the general fund, dated so the chain is the same on every machine.
    (
        "demo:core:1",
        "world",
        "campaign:quy-chung",
        "VND",
        5_000_000,
        "donation",
        "TSDEMO0001",
        "Nhà hảo tâm ẩn danh",
        datetime(2026, 9, 1, 2, 0, tzinfo=UTC),
    ),
    (
        "demo:core:2",
        "world",
        "campaign:quy-chung",
        "VND",
        2_500_000,
        "donation",
        "TSDEMO0002",
        "Công ty TNHH Ánh Dương",
        datetime(2026, 9, 2, 3, 30, tzinfo=UTC),
    ),
    (
        "demo:core:3",
        "world",
        "campaign:quy-chung",
        "RICE_G",
        500_000,
        "in_kind",
        "HV-DEMO-1",
        "Hội Phụ nữ xã Bản Mây",
        datetime(2026, 9, 3, 1, 15, tzinfo=UTC),
    ),
]


def add_seeder(order: int, seeder: Callable[[Callable[[str], None]], None]) -> None:
    """Register a domain seeder once."""
    if all(s is not seeder for _, s in SEEDERS):
        SEEDERS.append((order, seeder))
        SEEDERS.sort(key=lambda pair: pair[0])


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.execute(select(model).filter_by(**lookup)).scalar_one_or_none()
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_core(echo: Callable[[str], None]) -> list[tuple[str, str, str]]:
    """Assets, units, communes, schools, users and opening entries; returns the logins."""
    for code, name, label, value in ASSETS:
        _get_or_create(Asset, {"code": code}, name=name, unit_label=label, unit_value=value)
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        units[code] = _get_or_create(
            Unit, {"code": code}, name=name, kind=kind, parent=units[parent] if parent else None
        )
    communes = {
        name: _get_or_create(Commune, {"name": name}, unit_id=units[u].id) for name, u in COMMUNES
    }
    for name, level, commune, unit in SCHOOLS:
        _get_or_create(
            School,
            {"name": name},
            level=level,
            commune_id=communes[commune].id,
            unit_id=units[unit].id,
        )
    logins = []
    for email, name, role, unit, password, secret in DEMO_USERS:
        existing = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
        if existing is None:
            db.session.add(
                User(
                    email=email,
                    display_name=name,
                    role=role,
                    unit_id=units[unit].id,
                    password_hash=hash_password(password),
                    totp_secret=secret,
                    totp_enabled=secret is not None,
                )
            )
        logins.append((role.value, email, password))
    db.session.flush()
    for key, source, dest, asset, amount, entry_kind, ref, label, at in DEMO_ENTRIES:
        ledger.post(
            source=source,
            destination=dest,
            asset=asset,
            amount=amount,
            kind=entry_kind,
            ref=ref,
            idempotency_key=key,
            label=label,
            at=at,
        )
    return logins


def seed_all(echo: Callable[[str], None] = click.echo) -> list[tuple[str, str, str]]:
    """The core then every registered domain seeder; flushes, the caller commits."""
    logins = seed_core(echo)
    for _, seeder in SEEDERS:
        seeder(echo)
    return logins


def print_logins(logins: list[tuple[str, str, str]]) -> None:
    """The demo accounts, for the person who just started the site."""
    click.echo("Tài khoản demo / demo logins:")
    for role, email, password in logins:
        click.echo(f"  {role:<10} {email:<28} {password}")
    click.echo("  (admin và thủ quỹ cần mã 2FA: `flask users otp EMAIL` in ra mã hiện tại)")


@demo_cli.command("seed")
@uow.command
def seed() -> None:
    """Create the demo province, users and entries (safe to run again)."""
    print_logins(seed_all())


@demo_cli.command("seed-if-empty")
@uow.command
def seed_if_empty() -> None:
    """Seed only a database with no users (what `make run` calls)."""
    if db.session.execute(select(User.id).limit(1)).first() is None:
        logins = seed_all()
    else:
        logins = [(r.value, e, p) for e, _, r, _, p, _ in DEMO_USERS]
    print_logins(logins)


def register(app: Flask) -> None:
    """Attach `flask demo`."""
    app.cli.add_command(demo_cli)
