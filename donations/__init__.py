"""Donations package (see DESIGN.md §3)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's models, blueprints, nav links, home sections and seeders."""
    from donations import models  # noqa: F401 - tables must be known to metadata and Alembic
