"""Activities of a unit (charity classes, summer review classes, art programmes that raise
funds, meetings to encourage students, drives at the peak times) and their calendar."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models and routes (own blueprint), menu link, demo seeder."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from students.activities import models, views  # noqa: F401 - tables and routes
    from students.activities.demo import seed_activities
    from students.blueprint import READERS

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    nav.register(_l("Hoạt động"), "unit_activities.index", READERS, order=43)
    add_seeder(33, seed_activities)
