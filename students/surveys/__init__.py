"""Mid-term and year-end surveys: each unit's counts of students out of class, returned and
dropped out (by gender, school level, minority), causes and support, pre-filled from the
registry and visits, completed and submitted by the unit, consolidated by the province."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models and routes (own blueprint), menu link, demo seeder."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from students.blueprint import READERS
    from students.surveys import models, views  # noqa: F401 - tables and routes
    from students.surveys.demo import seed_surveys

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    nav.register(_l("Khảo sát"), "unit_surveys.index", READERS, order=44)
    add_seeder(34, seed_surveys)
