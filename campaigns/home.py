"""What campaigns add around the site: home sections, template helpers, dashboard card."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from campaigns import figures
from campaigns.models import Campaign, CampaignStatus


def donate_url(campaign: Campaign, ref: str | None = None) -> str | None:
    """The donation flow for this campaign, when the donations package provides one."""
    if "pledges.donate" in current_app.view_functions:
        return url_for("pledges.donate", slug=campaign.slug, ref=ref or None)
    return None


def bank_details() -> dict[str, str]:
    """The fund's bank account, the interim way to give until online donation exists."""
    cfg = current_app.config
    return {
        "bin": cfg["BANK_BIN"],
        "account_number": cfg["BANK_ACCOUNT_NUMBER"],
        "account_name": cfg["BANK_ACCOUNT_NAME"],
    }


def transfer_memo(campaign: Campaign) -> str:
    """A transfer memo that tells the treasurer which campaign a bank gift is for."""
    return f"UNG HO {campaign.slug.upper().replace('-', ' ')}"[:50]


def featured_section() -> dict:
    """Home: featured campaigns (or the latest published ones)."""
    stmt = (
        select(Campaign)
        .where(Campaign.status == CampaignStatus.published)
        .order_by(Campaign.featured.desc(), Campaign.starts_on.desc(), Campaign.id.desc())
        .limit(3)
    )
    campaigns = db.session.execute(stmt).scalars().all()
    numbers = figures.figures_for([c.account for c in campaigns])
    raised = {account: f.raised for account, f in numbers.items()}
    first = campaigns[0] if campaigns else None
    return {
        "template": "campaigns/_home_featured.html",
        "order": 10,
        "featured": campaigns,
        "featured_raised": raised,
        # The home page's first screen: a donate button for the leading campaign.
        "hero_action": {
            "url": donate_url(first) or url_for("campaigns.detail", slug=first.slug),
            "label": _l("Ủng hộ ngay"),
            "note": _l("cho chiến dịch “%(t)s”", t=first.title),
        }
        if first
        else None,
        "og_image": current_app.config["SITE_URL"].rstrip("/")
        + url_for("campaigns.fund_share_card"),
    }


def totals_section() -> dict:
    """Home: what the fund has raised, students supported, campaigns."""
    return {"template": "campaigns/_home_totals.html", "order": 20, "totals": figures.fund_totals()}


def recent_section() -> dict:
    """Home: the latest gifts, with names as donors chose."""
    return {
        "template": "campaigns/_home_recent.html",
        "order": 30,
        "recent": figures.recent_gifts(None, 8),
    }


def dashboard_card(user) -> dict | None:
    """Back office: campaigns in this user's scope, for editors."""
    if user.role.value not in ("admin", "manager"):
        return None
    from campaigns.services import count_by_status

    counts = count_by_status(user)
    return {
        "title": _l("Chiến dịch đang nhận ủng hộ (%(d)s bản nháp)", d=counts.get("draft", 0)),
        "value": counts.get("published", 0),
        "url": url_for("campaigns_admin.index"),
    }


def pending_pages_card(user) -> dict | None:
    """Back office: personal pages waiting for this user's approval."""
    if user.role.value not in ("admin", "manager"):
        return None
    from sqlalchemy import func

    from app.auth.guards import unit_scope_clause
    from campaigns.models import FundraisingPage, PageStatus

    n = db.session.execute(
        select(func.count(FundraisingPage.id))
        .join(Campaign, Campaign.id == FundraisingPage.campaign_id)
        .where(
            FundraisingPage.status == PageStatus.pending, unit_scope_clause(user, Campaign.unit_id)
        )
    ).scalar_one()
    if not n:
        return None
    return {
        "title": _l("Trang gây quỹ cá nhân chờ duyệt"),
        "value": n,
        "url": url_for("campaigns_admin.pages"),
    }
