"""Security controls of the core: response headers, session lifetimes, hostile-input guards.

Each module holds one control; `init_app` wires them into the app (see docs/security.md).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Install every control of this package on the app."""
    from app.auth import sessions
    from app.security import headers, hostile, text_input

    text_input.install()
    headers.init_app(app)
    hostile.init_app(app)
    sessions.init_app(app)
