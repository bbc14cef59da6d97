"""Peer support ("Đôi bạn cùng tiến", "Giúp bạn đến trường"): a supported student, the
classmates who help (first name and class only), who follows the pair, a result each term."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the pair models and routes (on their own blueprint), menu link."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from app.demo import add_seeder
    from students.blueprint import READERS
    from students.peer import models, views  # noqa: F401 - tables and routes
    from students.peer.demo import seed_pairs

    if views.bp.name not in app.blueprints:
        app.register_blueprint(views.bp)
    nav.register(_l("Đôi bạn"), "student_peer.index", READERS, order=41)
    add_seeder(31, seed_pairs)  # after the demo students
