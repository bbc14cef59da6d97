"""Students package: registry, consent, visits, risk, allocation rounds, hand-overs, outcomes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's models, blueprints, nav links, dashboard cards and seeders."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.backoffice.views import add_dashboard_card
    from app.demo import add_seeder
    from students import (  # noqa: F401 - routes
        models,  # noqa: F401 - tables must be known to metadata and Alembic
        views,
        views_care,
        views_photos,
        views_rounds,
        views_sponsors,
    )
    from students.blueprint import MONEY_READERS, READERS, bp, public_bp, rounds_bp, sponsors_bp
    from students.dashboard import rounds_card, visits_card
    from students.demo import seed_students

    for blueprint in (bp, rounds_bp, sponsors_bp, public_bp):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    nav.register(_l("Học sinh"), "students.index", READERS, order=40)
    nav.register(_l("Đợt trao"), "student_rounds.index", MONEY_READERS, order=45)
    nav.register(
        _l("Đỡ đầu"), "sponsors.index", ("admin", "manager", "treasurer", "auditor"), order=46
    )
    add_dashboard_card(visits_card)
    add_dashboard_card(rounds_card)
    add_seeder(30, seed_students)
