"""Failure counters for logins, kept where every worker sees them.

Flask-Limiter caps requests per IP; these count *failures* per account (wrong passwords, wrong
second-factor codes), so rotating addresses or X-Forwarded-For does not reset them. They live
in the limits library's storage named by SECURITY_STORAGE_URI, else the limiter's
(RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set), so two gunicorn workers share them.
"""

from __future__ import annotations

from flask import current_app
from limits.storage import Storage, storage_from_string

PASSWORD = "password"  # noqa: S105 - a counter's name, not a password
SECOND_FACTOR = "2fa"

# kind → (config key of the maximum, config key of the window in minutes)
_SETTINGS = {
    PASSWORD: ("PASSWORD_MAX_FAILURES", "PASSWORD_LOCK_MINUTES"),
    SECOND_FACTOR: ("SECOND_FACTOR_MAX_FAILURES", "SECOND_FACTOR_LOCK_MINUTES"),
}


def storage() -> Storage:
    """This app's counter storage (one client per app, made on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    existing = app.extensions.get("auth_counters")
    if existing is None:
        config = app.config
        uri = (
            config.get("SECURITY_STORAGE_URI") or config.get("RATELIMIT_STORAGE_URI") or "memory://"
        )
        existing = app.extensions["auth_counters"] = storage_from_string(uri)
    return existing


def _key(kind: str, account: str) -> str:
    prefix = current_app.config.get("SECURITY_STORAGE_PREFIX", "thapsang")
    return f"{prefix}:auth:{kind}:{account}"


def _window(kind: str) -> int:
    return int(current_app.config[_SETTINGS[kind][1]]) * 60


def maximum(kind: str) -> int:
    """How many failures lock the account for this kind of check."""
    return int(current_app.config[_SETTINGS[kind][0]])


def failures(kind: str, account: str) -> int:
    """Failures counted in the current window."""
    return int(storage().get(_key(kind, account)) or 0)


def locked(kind: str, account: str) -> bool:
    """True once the account reached the maximum; it stays locked until the window ends."""
    return failures(kind, account) >= maximum(kind)


def fail(kind: str, account: str) -> int:
    """Count one failure (atomically, in the shared storage); the new count."""
    return int(storage().incr(_key(kind, account), _window(kind)))


def clear(kind: str, account: str) -> None:
    """Forget the failures (after a success)."""
    storage().clear(_key(kind, account))


def account_of(user) -> str:
    """The counter key of a user: the id and the address (an id alone could be reused after a
    user is deleted, and a new account would inherit a lock)."""
    return f"{user.id}:{user.email.lower()}"
