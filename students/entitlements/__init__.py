"""State entitlements of a student (tuition exemption or reduction, learning-cost and boarding
support): the kinds and their legal basis are data an admin edits; each record says whether the
school confirmed the student received it; a list of students who seem eligible but have none."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models and routes (own blueprint), menu link, demo seeder."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from students.blueprint import READERS
    from students.entitlements import models, views  # noqa: F401 - tables and routes
    from students.entitlements.demo import seed_entitlements

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    nav.register(_l("Chế độ chính sách"), "student_entitlements.index", READERS, order=42)
    add_seeder(32, seed_entitlements)
