"""Students (DESIGN.md §3): the registry of children at risk and the sub-packages built on it."""

from __future__ import annotations

import importlib

from flask import Flask

# `registry` (students, their timeline, import), `care` (consent, household visits, risk, term
# outcomes), `photos` (a student's private photo), `rounds` (allocation rounds, hand-overs,
# sign-off lists), `sponsorship` (sponsors of one named student, term updates). What they share
# stays at this level: the blueprints, labels, form fields, private files, `privacy` (what the
# public may see), quantities. `dashboard` and `demo` span the sub-packages: none imports them.
SUBPACKAGES = (
    "registry",
    "care",
    "photos",
    "rounds",
    "sponsorship",
    "peer",
    "entitlements",
    "activities",
    "surveys",
)


def init_app(app: Flask) -> None:
    """Register every sub-package's models, routes and menus, then the blueprints they share,
    the dashboard cards and the demo seeder."""
    from app.backoffice.views import add_dashboard_card
    from app.demo import add_seeder
    from students.blueprint import register_blueprints
    from students.dashboard import rounds_card, visits_card
    from students.demo import seed_students

    for name in SUBPACKAGES:
        importlib.import_module(f"students.{name}").init_app(app)
    register_blueprints(app)  # after every sub-package has added its routes
    add_dashboard_card(visits_card)
    add_dashboard_card(rounds_card)
    add_seeder(30, seed_students)
