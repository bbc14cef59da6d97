"""The student registry: students, their status timeline, search, the import of review lists."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the registry's models and routes (on the shared `students` blueprint), menu link."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from students.blueprint import READERS
    from students.registry import models, views  # noqa: F401 - tables and routes
    from students.registry.distance import format_km

    app.add_template_filter(format_km, "km")

    nav.register(_l("Học sinh"), "students.index", READERS, order=40)
