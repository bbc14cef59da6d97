"""Care of a student: consent, household visits, risk points and weights, term outcomes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the care models and routes (on the shared `students` blueprint)."""
    from students.care import models, views, visit_photos  # noqa: F401 - tables and routes

    app.add_template_global(visit_photos.photos_of_visit, "visit_photos")
