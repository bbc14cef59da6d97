"""Tracing a gift (DESIGN.md §8): the page /truy-vet/<reference> and GET /api/v1/trace."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.extensions import csrf
    from transparency.trace import cli, models  # noqa: F401 - commands, tables
    from transparency.trace.api import bp as api_bp
    from transparency.trace.views import bp, trace_url

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(bp)
    app.add_template_global(trace_url, "trace_url")
