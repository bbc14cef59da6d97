"""Allocation rounds ("đợt trao"): propose, approve or return, hand over, sign-off lists."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Load the round models and routes (on the `student_rounds` blueprint), menu link."""
    from flask_babel import lazy_gettext as _l

    from app import nav
    from donations.corrections.hooks import ReversalHook
    from donations.corrections.hooks import register as register_reversal_hook
    from students.blueprint import MONEY_READERS
    from students.rounds import handovers, models, picking, views  # noqa: F401 - tables, routes

    # A correction may reverse an allocation or a hand-over: rounds say when, and follow it.
    register_reversal_hook(
        ReversalHook("student_rounds", handovers.check_reversal, handovers.apply_reversal)
    )
    nav.register(_l("Đợt trao"), "student_rounds.index", MONEY_READERS, order=45)
