"""In-kind gifts: goods a unit received, posted to the ledger in their own asset; each unit's
store, goods bought with a campaign's money and stock-takes (both with four eyes)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the in-kind models, proposal kinds, back office and demo."""
    from flask_babel import lazy_gettext as _l

    from app.approvals import kinds
    from app.demo import add_seeder
    from donations.in_kind import admin_views, demo, models, purchases, stock_views, stocktake

    del models, stock_views  # imported for their tables and routes
    kinds.register(
        kinds.Kind(
            purchases.KIND,
            _l("Mua hàng nhập kho"),
            purchases.execute,
            "donations/in_kind/admin/proposal_purchase.html",
        )
    )
    kinds.register(
        kinds.Kind(
            stocktake.KIND,
            _l("Điều chỉnh kiểm kê kho"),
            stocktake.execute,
            "donations/in_kind/admin/proposal_stocktake.html",
        )
    )
    app.register_blueprint(admin_views.bp)
    add_seeder(21, demo.seed)
    app.add_template_global(purchases.for_proposal, "stock_purchase_of")
    app.add_template_global(stocktake.for_proposal, "stocktake_of")
