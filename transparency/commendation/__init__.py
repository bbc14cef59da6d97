"""Commendation ("tuyên dương, khen thưởng"): from the data of a period, the units and people
to commend, ranked with the figures behind each, edited, then printed for the meeting."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Models, the back-office blueprint, menu link."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from transparency.commendation import models, views  # noqa: F401 - tables and routes
    from transparency.commendation.demo import seed_commendation
    from transparency.commendation.services import READERS

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    nav.register(_l("Tuyên dương"), "commendation.index", READERS, order=71)
    add_seeder(40, seed_commendation)  # after every seeder whose data it ranks
