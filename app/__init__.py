"""The application factory and the core every domain package plugs into."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
# Domain packages, in the one direction they may import each other.
DOMAINS = ("campaigns", "donations", "students", "transparency")


def create_app(profile: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app for a profile ("development", "test", "production") and extra settings."""
    app = Flask(
        __name__,
        instance_path=str(config_module.INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from app.security import hostile

    hostile.install_converters(app)  # before any route is added
    cls, values = config_module.load(profile)
    app.config.from_object(cls)
    app.config.update(values)
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Only the last `proxies` hops of X-Forwarded-For are believed: a client rotating the
        # header cannot change the address that rate limits count.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    logging.basicConfig(level=logging.INFO)
    # fpdf2's font subsetting logs every table at INFO: hundreds of lines per PDF.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # Huey logs every task it runs at INFO; failures (WARNING and up) are what an operator needs.
    logging.getLogger("huey").setLevel(logging.WARNING)

    _init_extensions(app)
    _register_core(app)
    for name in DOMAINS:
        module = importlib.import_module(name)
        if hasattr(module, "init_app"):
            module.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import i18n, wtforms_vi

    wtforms_vi.install()
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    # Each package keeps its own English catalog; Flask-Babel merges them.
    catalogs = [ROOT / "translations"] + [ROOT / name / "translations" for name in DOMAINS]
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=";".join(str(p) for p in catalogs),
    )
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL, foreign keys and a busy timeout on SQLite; nothing on other databases."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MiB of page cache (the default is 2 MiB): index look-ups in large imports stay in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def _register_core(app: Flask) -> None:
    from app import approvals, cli, demo, i18n, jobs, labels, security, templating
    from app.audit.views import bp as audit_bp
    from app.auth import loader  # noqa: F401 - registers the user loader
    from app.auth.account_views import bp as account_bp
    from app.auth.views import bp as auth_bp
    from app.backoffice.views import bp as backoffice_bp
    from app.units.views import bp as units_bp
    from app.users_admin.views import bp as users_bp
    from app.web import errors
    from app.web.views import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(backoffice_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(audit_bp)
    errors.register(app)
    templating.register(app)
    labels.register(app)
    i18n.register(app)
    cli.register(app)
    demo.register(app)
    approvals.init_app(app)
    jobs.init_app(app)
    security.init_app(app)
