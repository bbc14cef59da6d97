"""A student's photo: private storage, back-office access, the sponsor's consented view."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the photo routes (on the shared `students` and `students_public` blueprints)."""
    from students.photos import views  # noqa: F401 - routes
