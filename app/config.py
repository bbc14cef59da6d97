"""Configuration read from the environment in one place, with three profiles."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return f"sqlite:///{INSTANCE / 'thapsang.db'}"
    # Heroku-style URLs name the old driver; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def jobs_url() -> str:
    """Where the job queue keeps its jobs: JOBS_URL, else Redis when REDIS_URL is set, else a
    SQLite file in instance/ (read at import: the queue exists before any app)."""
    explicit = os.environ.get("JOBS_URL", "")
    if explicit:
        return explicit
    redis_url = os.environ.get("REDIS_URL", "")
    return redis_url or f"sqlite:///{INSTANCE / 'jobs.db'}"


def _dev_secret_key() -> str:
    """A key generated once into instance/ so development sessions survive restarts."""
    path = INSTANCE / "secret_key"
    if path.exists():
        return path.read_text().strip()
    INSTANCE.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings shared by every profile."""

    ENV_NAME = "development"
    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SECRET_KEY = ""
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_IP = "20 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "8 per 10 minutes"
    TOTP_REQUIRED_ROLES = ("admin", "treasurer")
    # Sessions (docs/security.md): idle timeout and absolute lifetime of a back-office login.
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    # Second factor: wrong codes per account before the pending login is locked, and how long.
    SECOND_FACTOR_MAX_FAILURES = 5
    SECOND_FACTOR_LOCK_MINUTES = 15
    # Password attempts per account (failures, whatever the IP) before a pause.
    PASSWORD_MAX_FAILURES = 10
    PASSWORD_LOCK_MINUTES = 15
    # Password reset by e-mail: link lifetime and request limits.
    PASSWORD_RESET_SECONDS = 3600
    PASSWORD_RESET_LIMIT_PER_IP = "5 per 10 minutes"  # noqa: S105 - a rate, not a secret
    PASSWORD_RESET_LIMIT_PER_EMAIL = "3 per hour"  # noqa: S105 - a rate, not a secret
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (ProxyFix):
    # 0 trusts none (the address is the socket's), production defaults to 1 (nginx).
    TRUSTED_PROXIES = 0
    # Where login and second-factor counters live, shared by every worker: the limiter's
    # storage unless set (Redis when REDIS_URL is set).
    SECURITY_STORAGE_URI = ""

    # The fund as the public sees it.
    FUND_NAME = "Quỹ Thắp sáng ước mơ tuổi trẻ"
    FUND_SHORT_NAME = "Thắp sáng ước mơ"
    FUND_EMAIL = "quy@thapsanguocmo.example"
    FUND_PHONE = "0200 3 888 999"
    FUND_ADDRESS = ""
    # The fund as its receipts name it (legal name, tax code, who signs for it).
    FUND_LEGAL_NAME = ""  # empty: FUND_NAME
    FUND_TAX_CODE = ""
    FUND_SIGNATORY_NAME = ""
    FUND_SIGNATORY_TITLE = "Đại diện Quỹ"
    SITE_URL = "http://127.0.0.1:5000"

    # Money.
    MAX_AMOUNT = 10_000_000_000  # 10 tỷ đồng: anything larger is a typo
    MIN_DONATION = 10_000
    SPONSORSHIP_MIN_MONTHLY = 50_000
    PLEDGE_VALID_DAYS = 7  # a one-time pledge's code waits this long for the transfer

    # Limits on public forms (Flask-Limiter strings) and the card-testing controls.
    PLEDGE_RATE_LIMIT = "10 per 10 minutes;30 per day"
    MY_GIFTS_LIMIT_PER_IP = "10 per 10 minutes"
    MY_GIFTS_LIMIT_PER_EMAIL = "3 per hour"
    MY_GIFTS_LINK_HOURS = 24
    FUNDRAISING_PAGE_LIMIT = "10 per hour"
    CARD_SESSION_MINUTES = 30  # Stripe accepts 30 min to 24 h
    CARD_BURST_PER_IP = (5, 600)  # at most 5 new sessions per IP in 10 minutes
    CARD_BURST_PER_EMAIL = (3, 600)  # at most 3 per donor e-mail in 10 minutes
    CARD_BLOCK_AFTER_FAILURES = (4, 3600)  # 4 failed/expired sessions in 1 h block the IP
    CARD_LIMIT_PER_IP = "10 per hour"  # Flask-Limiter, on top of the bursts above

    # Bank account that receives VietQR transfers.
    BANK_BIN = "970415"
    BANK_ACCOUNT_NUMBER = "0011001932418"
    BANK_ACCOUNT_NAME = "QUY THAP SANG UOC MO"
    SEPAY_API_KEY = ""
    CASSO_WEBHOOK_SECRET = ""
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    STRIPE_API_BASE = ""

    # Mail: an SMTP server in production, an outbox folder in development.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = False
    MAIL_SENDER = "Quỹ Thắp sáng ước mơ <no-reply@thapsanguocmo.example>"
    MAIL_OUTBOX = str(INSTANCE / "outbox")
    MAIL_TIMEOUT = 20
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_SECONDS = 60
    MAIL_RETRY_MAX_SECONDS = 6 * 3600
    MAIL_LEASE_SECONDS = 600
    MAIL_BATCH_SIZE = 200

    UPLOAD_FOLDER = str(INSTANCE / "uploads")
    PRIVATE_FOLDER = str(INSTANCE / "private")
    # Uploaded bank statements are deleted this many days after their upload.
    BANK_UPLOAD_RETENTION_DAYS = 90
    REDIS_URL = ""
    # Jobs run in a worker (`flask jobs worker`); in tests they run right after the commit.
    JOBS_IMMEDIATE = False
    JOB_RETRIES = 5
    JOB_RETRY_DELAY = 10  # seconds before the first retry, doubled each time
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_SECONDS = 5

    @classmethod
    def from_env(cls) -> dict:
        """Values overridden by environment variables of the same name."""
        values = {
            "SQLALCHEMY_DATABASE_URI": _database_url(),
            "SITE_URL": os.environ.get("SITE_URL", cls.SITE_URL),
            "FUND_NAME": os.environ.get("FUND_NAME", cls.FUND_NAME),
            "FUND_EMAIL": os.environ.get("FUND_EMAIL", cls.FUND_EMAIL),
            "FUND_PHONE": os.environ.get("FUND_PHONE", cls.FUND_PHONE),
            "FUND_ADDRESS": os.environ.get("FUND_ADDRESS", cls.FUND_ADDRESS),
            **{
                name: os.environ.get(name, getattr(cls, name))
                for name in (
                    "FUND_LEGAL_NAME",
                    "FUND_TAX_CODE",
                    "FUND_SIGNATORY_NAME",
                    "FUND_SIGNATORY_TITLE",
                )
            },
            "MAX_AMOUNT": _env_int("MAX_AMOUNT", cls.MAX_AMOUNT),
            "MIN_DONATION": _env_int("MIN_DONATION", cls.MIN_DONATION),
            "CACHE_SECONDS": _env_int("CACHE_SECONDS", cls.CACHE_SECONDS),
            "MAIL_PORT": _env_int("MAIL_PORT", cls.MAIL_PORT),
            "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", cls.MAIL_USE_TLS),
            "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", cls.RATELIMIT_ENABLED),
            "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", cls.TRUSTED_PROXIES),
            "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", cls.SESSION_IDLE_MINUTES),
            "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", cls.SESSION_MAX_HOURS),
        }
        for name in (
            "BANK_BIN",
            "BANK_ACCOUNT_NUMBER",
            "BANK_ACCOUNT_NAME",
            "SEPAY_API_KEY",
            "CASSO_WEBHOOK_SECRET",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_API_BASE",
            "MAIL_SERVER",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_SENDER",
            "MAIL_OUTBOX",
            "UPLOAD_FOLDER",
            "PRIVATE_FOLDER",
        ):
            if name in os.environ:
                values[name] = os.environ[name]
        if os.environ.get("BANK_UPLOAD_RETENTION_DAYS", "").isdigit():
            values["BANK_UPLOAD_RETENTION_DAYS"] = int(os.environ["BANK_UPLOAD_RETENTION_DAYS"])
        redis_url = os.environ.get("REDIS_URL", "")
        if redis_url:
            values["REDIS_URL"] = redis_url
            values["RATELIMIT_STORAGE_URI"] = redis_url
        return values


class DevelopmentConfig(Config):
    """Local development on SQLite with demo data."""

    ENV_NAME = "development"

    @classmethod
    def from_env(cls) -> dict:
        values = super().from_env()
        values["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _dev_secret_key()
        return values


class TestConfig(Config):
    """The test suite: its own database, no rate limits unless a test turns them on."""

    ENV_NAME = "test"
    TESTING = True
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    CACHE_SECONDS = 0
    JOBS_IMMEDIATE = True

    @classmethod
    def from_env(cls) -> dict:
        values = super().from_env()
        values["RATELIMIT_ENABLED"] = False
        return values


class ProductionConfig(Config):
    """Behind a reverse proxy, on PostgreSQL, with secrets from the environment."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    TRUSTED_PROXIES = 1

    # Without these the site would run on SQLite and show the demo bank account in every QR
    # code, sending donors' money to it.
    REQUIRED_ENV = ("DATABASE_URL", "BANK_BIN", "BANK_ACCOUNT_NUMBER", "BANK_ACCOUNT_NAME")

    @classmethod
    def from_env(cls) -> dict:
        missing = [name for name in cls.REQUIRED_ENV if not os.environ.get(name, "").strip()]
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32:
            missing.append("SECRET_KEY (at least 32 characters)")
        if missing:
            raise RuntimeError(
                "Production (APP_ENV=production) refuses to start: set "
                + ", ".join(missing)
                + ". SECRET_KEY can be made with: "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        if os.environ["BANK_ACCOUNT_NUMBER"].strip() == Config.BANK_ACCOUNT_NUMBER:
            raise RuntimeError(
                "Production refuses to start: BANK_ACCOUNT_NUMBER is the demo account of the "
                "repository; set the fund's real account."
            )
        values = super().from_env()
        values["SECRET_KEY"] = key
        return values


PROFILES = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def load(profile: str | None = None) -> tuple[type[Config], dict]:
    """The profile class and its environment overrides."""
    name = profile or os.environ.get("APP_ENV", "development")
    try:
        cls = PROFILES[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(PROFILES)}, not {name!r}") from None
    return cls, cls.from_env()
