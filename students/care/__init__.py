"""Care of a student: consent, household visits, risk points and weights, term outcomes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the care models and routes (on the shared `students` blueprint)."""
    from students.care import models, views  # noqa: F401 - tables and routes
