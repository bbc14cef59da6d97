"""Money out of campaigns: purchases and works against an invoice, reallocations decided by the
board, and what a closed campaign's page says about its balance. Every one is a proposal that
a second person approves (`app.approvals`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the tables, the two kinds of proposal, the blueprint and the demo seeder."""
    from app import demo
    from app.approvals import kinds
    from campaigns.spending import (
        models,  # noqa: F401 - tables must be known to metadata
        reallocation,
        services,
        views,
    )
    from campaigns.spending.demo import seed_spending

    kinds.register(
        kinds.Kind(
            services.KIND,
            _l("Chi mua sắm, công trình"),
            services.execute,
            "campaigns/spending/_proposal_expense.html",
        )
    )
    kinds.register(
        kinds.Kind(
            reallocation.KIND,
            _l("Điều chuyển giữa chiến dịch"),
            reallocation.execute,
            "campaigns/spending/_proposal_reallocation.html",
        )
    )
    app.register_blueprint(views.bp)
    app.add_template_global(services.expense_for_proposal, "spending_expense")
    app.add_template_global(services.line_progress, "spending_line")
    app.add_template_global(reallocation.reallocation_for_proposal, "spending_reallocation")
    demo.add_seeder(15, seed_spending)
