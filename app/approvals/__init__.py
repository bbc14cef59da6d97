"""Four eyes on money going out: one person proposes, another approves, then the ledger moves.

Every kind of outgoing money (a purchase, works, a reallocation, a correction, a refund of an
overpayment, a stock purchase…) is a `Proposal` of a registered kind. `approve()` is the one
place that checks the rules every kind shares (the approver is not the proposer, the proposal
is still waiting, the paying account has the money — refused with the shortfall named), then
calls the kind's `execute`, which posts to the ledger and returns the entries.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the proposals' back office and dashboard card."""
    from app.approvals import models, views  # noqa: F401 - models

    app.register_blueprint(views.bp)
    from app.backoffice.views import add_dashboard_card

    add_dashboard_card(views.dashboard_card)
