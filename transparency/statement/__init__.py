"""The public statement ("sao kê"): every ledger entry, searchable, paged, exported, and the
`GET /api/v1/ledger` API behind it (DESIGN.md §8). See services.py for the search."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the index table and its listeners, the page, the API, the menu and commands."""
    from app import nav
    from app.extensions import csrf
    from transparency.statement import indexing, models  # noqa: F401 - table known to metadata
    from transparency.statement.api import bp as api_bp
    from transparency.statement.cli import statement_cli
    from transparency.statement.views import bp

    indexing.register()
    app.register_blueprint(bp)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(statement_cli)
    nav.register_public(_l("Sao kê"), "statement.index", order=40)
