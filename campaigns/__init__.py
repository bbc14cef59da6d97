"""Campaigns: public pages, updates, images, sharing, referral links, posters, back office."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


def init_app(app: Flask) -> None:
    """Register models, blueprints, the referral hook, nav links, home sections and seeders."""
    from app import demo, nav
    from app.auth.models import Role
    from app.backoffice.views import add_dashboard_card
    from app.extensions import csrf
    from app.web.views import add_home_section
    from campaigns import cache, home, impact, impact_views, models, spending  # noqa: F401 - tables and routes
    from campaigns.admin_views import bp as admin_bp
    from campaigns.api import bp as api_bp
    from campaigns.demo import seed_campaigns
    from campaigns.forms import KIND_LABELS, STATUS_LABELS
    from campaigns.images import image_exists
    from campaigns.referrals import remember_from_request
    from campaigns.text import render_markdown
    from campaigns.views import bp as public_bp

    cache.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(admin_bp)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.before_request(remember_from_request)
    app.add_template_global(home.donate_url, "campaign_donate_url")
    app.add_template_global(home.bank_details, "fund_bank_details")
    app.add_template_global(home.transfer_memo, "campaign_transfer_memo")
    app.add_template_global(image_exists, "campaign_image_exists")
    app.add_template_global(KIND_LABELS, "campaign_kind_labels")
    app.add_template_global(STATUS_LABELS, "campaign_status_labels")
    app.add_template_filter(render_markdown, "campaign_markdown")

    nav.register_public(lazy_pgettext("menu", "Chiến dịch"), "campaigns.index", order=10)
    nav.register_public(_l("Bảng thi đua"), "campaigns.leaderboard", order=20)
    nav.register_public(_l("Vinh danh"), "campaigns.honour", order=30)
    nav.register(_l("Chiến dịch"), "campaigns_admin.index", (Role.admin, Role.manager), order=10)
    nav.register(
        _l("Trang gây quỹ cá nhân"), "campaigns_admin.pages", (Role.admin, Role.manager), order=11
    )
    add_home_section(home.featured_section)
    add_home_section(home.totals_section)
    add_home_section(home.recent_section)
    add_dashboard_card(home.dashboard_card)
    add_dashboard_card(home.pending_pages_card)
    demo.add_seeder(10, seed_campaigns)
    spending.init_app(app)
