"""The campaign's transparency tab (/chien-dich/<slug>/minh-bach): where its money went."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from transparency.campaign.views import bp, campaign_transparency_url

    app.register_blueprint(bp)
    app.add_template_global(campaign_transparency_url, "campaign_transparency_url")
