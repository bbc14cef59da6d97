"""Campaigns: public pages, updates, images, sharing, referral links, posters, back office."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register models (and, as they arrive, blueprints, nav links, seeders)."""
    from campaigns import models  # noqa: F401 - tables must be known to metadata and Alembic
