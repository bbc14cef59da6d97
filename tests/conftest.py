"""Shared fixtures: one app per test session on SQLite or PostgreSQL, a clean database per test.

Set DATABASE_URL=postgresql://… to run the suite on PostgreSQL: each run (and each xdist
worker) gets a fresh schema that is dropped at the end.
"""

from __future__ import annotations

import contextvars
import os
import uuid

import pyotp
import pytest
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text

from app import create_app
from app.auth.models import Role, User
from app.auth.services import hash_password
from app.config import _database_url
from app.extensions import db
from app.ledger.models import GENESIS_HASH, Asset, LedgerHead
from app.units.models import Unit, UnitKind

BASE_ASSETS = [
    ("VND", "Tiền (đồng)", "₫", 1),
    ("RICE_G", "Gạo (gam)", "g", 20),
    ("BICYCLE", "Xe đạp", "chiếc", 1_800_000),
    ("SUPPLY_SET", "Bộ dụng cụ học tập", "bộ", 250_000),
]
PASSWORD = "mat-khau-thu-nghiem-1"

# Property tests check behaviour, not speed: on a loaded 2-core CI machine a 200 ms deadline
# per example fails for reasons that have nothing to do with the code.
settings.register_profile("thapsang", deadline=None)
settings.load_profile("thapsang")


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context and database session.

    Without this, a request would reuse the test's app context, share its session, and a view
    that forgot to commit would still look right to the test.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _is_postgres() -> bool:
    return _database_url().startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database of this run's own: a new PostgreSQL schema, or a SQLite file."""
    if not _is_postgres():
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    base = _database_url()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"t_{worker}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def app_settings(database_url, tmp_path_factory) -> dict:
    """Settings every test app shares (also used by apps with extra overrides)."""
    files = tmp_path_factory.mktemp("files")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(files / "uploads"),
        "PRIVATE_FOLDER": str(files / "private"),
        "MAIL_OUTBOX": str(files / "outbox"),
        "MAIL_SERVER": "",
        "STRIPE_SECRET_KEY": "",
        "SITE_URL": "http://localhost",
    }


@pytest.fixture(scope="session")
def app(app_settings):
    """The application under test, with every table created."""
    application = create_app("test", app_settings)
    application.test_client_class = IsolatedClient
    with application.app_context():
        db.create_all()
    return application


@pytest.fixture
def make_app(app_settings):
    """Build another app on the same database with extra settings (CSRF on, rate limits…)."""

    def factory(**overrides):
        other = create_app("test", {**app_settings, **overrides})
        other.test_client_class = IsolatedClient
        return other

    return factory


def _clean(application) -> None:
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
            conn.execute(LedgerHead.__table__.insert(), [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
            conn.execute(
                Asset.__table__.insert(),
                [
                    {"code": c, "name": n, "unit_label": u, "unit_value": v}
                    for c, n, u, v in BASE_ASSETS
                ],
            )


@pytest.fixture(autouse=True)
def _database(request):
    """Tests that use the app start from empty tables plus the base assets, in an app context.

    Pure tests (money parsing, QR payloads…) do not ask for `app` and touch no database.
    """
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    _clean(application)
    with application.app_context():
        yield
        db.session.remove()


@pytest.fixture
def ctx(app):
    """Ask for this in tests that use the database without a client."""
    return app


@pytest.fixture
def client(app):
    """A test client (each request in its own context)."""
    return app.test_client()


@pytest.fixture
def units(app) -> dict[str, Unit]:
    """A small hierarchy: province → two districts → a school union in the first."""
    province = Unit(code="tinh", name="Tỉnh Đoàn Thử Nghiệm", kind=UnitKind.province)
    d1 = Unit(code="huyen-a", name="Huyện Đoàn A", kind=UnitKind.district, parent=province)
    d2 = Unit(code="huyen-b", name="Huyện Đoàn B", kind=UnitKind.district, parent=province)
    school = Unit(code="truong-a", name="Đoàn trường A", kind=UnitKind.school, parent=d1)
    db.session.add_all([province, d1, d2, school])
    db.session.commit()
    return {"province": province, "a": d1, "b": d2, "school": school}


@pytest.fixture
def make_user(app, units):
    """Factory: a committed user with a role, in a unit, with TOTP on for admin/treasurer."""

    def factory(role: str = "admin", unit: str = "province", email: str | None = None) -> User:
        role_ = Role(role)
        needs_totp = role in app.config["TOTP_REQUIRED_ROLES"]
        user = User(
            email=email or f"{role}-{uuid.uuid4().hex[:6]}@test.example",
            display_name=f"Người dùng {role}",
            role=role_,
            unit_id=units[unit].id,
            password_hash=hash_password(PASSWORD),
            totp_secret=pyotp.random_base32() if needs_totp else None,
            totp_enabled=needs_totp,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


def login(client, user: User, password: str = PASSWORD):
    """Log in through the real forms, the second factor included."""
    response = client.post("/dang-nhap", data={"email": user.email, "password": password})
    if user.totp_enabled:
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post("/dang-nhap/xac-thuc", data={"code": code})
    return response


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user of a role; returns the user."""

    def factory(role: str = "admin", unit: str = "province") -> User:
        user = make_user(role, unit)
        response = login(client, user)
        assert response.status_code == 302, response.data[:500]
        return user

    return factory


@pytest.fixture
def rate_limited_app(make_app):
    """An app with rate limits on, as in production; limits are switched off again afterwards.

    Flask-Limiter keeps `enabled` on its one shared instance, so the fixture restores it.
    """
    from app.extensions import limiter

    other = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield other
    limiter.reset()
    limiter.enabled = False
