"""Corrections and overpayments: reversing a mistaken entry or a wrong assignment (four eyes),
and the queue of pledges paid more than pledged or twice (keep the difference or refund it)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the models, the proposal kinds, the back office, dashboard card and demo."""
    from flask_babel import lazy_gettext as _l

    from app.approvals import kinds
    from app.backoffice.views import add_dashboard_card
    from app.demo import add_seeder
    from donations.corrections import admin_views, demo, models, overpaid, overpaid_views
    from donations.corrections import services as corrections

    del models  # imported for its tables
    detail = "donations/corrections/proposal_correction.html"
    kinds.register(
        kinds.Kind(corrections.REVERSE_ENTRY, _l("Đảo bút toán"), corrections.execute, detail)
    )
    kinds.register(
        kinds.Kind(
            corrections.REVERSE_ASSIGNMENT,
            _l("Đảo ghi nhận giao dịch"),
            corrections.execute,
            detail,
        )
    )
    kinds.register(
        kinds.Kind(
            overpaid.REFUND,
            _l("Hoàn tiền chuyển thừa"),
            overpaid.execute_refund,
            "donations/corrections/proposal_refund.html",
        )
    )
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(overpaid_views.bp)
    add_dashboard_card(admin_views.dashboard_card)
    add_seeder(26, demo.seed)
    app.add_template_global(corrections.for_proposal, "correction_of")
    app.add_template_global(overpaid.for_proposal, "overpayment_of")
    app.add_template_global(corrections.pending_for, "pending_correction")
