"""Public API v1 for campaigns (DESIGN.md §8): read-only JSON, no session, no CSRF."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from campaigns import figures
from campaigns import services as svc
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from campaigns.views import PUBLIC_STATUSES, days_left, public_url

bp = Blueprint("campaigns_api", __name__, url_prefix="/api/v1/campaigns")
MAX_PER_PAGE = 100


def _summary(campaign: Campaign, numbers: figures.Figures) -> dict:
    """A campaign with the figures of DESIGN.md §4, the same in the list and the detail."""
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "summary": campaign.summary,
        "kind": campaign.kind.value,
        "status": campaign.status.value,
        "unit": {"id": campaign.unit_id, "name": campaign.unit.name},
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "goals": [{"asset": g.asset, "target": g.target, "label": g.label} for g in campaign.goals],
        **numbers.as_api(),
        "url": public_url("campaigns.detail", slug=campaign.slug),
        "detail": url_for("campaigns_api.detail", slug=campaign.slug),
    }


def _bad(message, field: str) -> DomainError:
    return DomainError(message, field=field)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(
            _l(
                "Tham số %(name)s phải là số nguyên từ %(low)s đến %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
            name,
        )
    return int(raw)


@bp.route("")
def index():
    """Visible campaigns with their goals and money raised; filters kind, status, unit."""
    stmt = select(Campaign)
    status = request.args.get("status", "")
    if status:
        if status not in {s.value for s in PUBLIC_STATUSES}:
            raise _bad(_l("status phải là published, closed hoặc archived."), "status")
        stmt = stmt.where(Campaign.status == CampaignStatus(status))
    else:
        stmt = stmt.where(Campaign.status.in_(PUBLIC_STATUSES))
    kind = request.args.get("kind", "")
    if kind:
        if kind not in {k.value for k in CampaignKind}:
            raise _bad(_l("kind không hợp lệ."), "kind")
        stmt = stmt.where(Campaign.kind == CampaignKind(kind))
    if request.args.get("unit"):
        stmt = stmt.where(Campaign.unit_id == _int_arg("unit", 0, 1, 2**31 - 1))
    page_no = _int_arg("page", 1, 1, 100_000)
    per_page = _int_arg("per_page", 20, 1, MAX_PER_PAGE)
    page = db.paginate(stmt.order_by(Campaign.id), page=page_no, per_page=per_page, error_out=False)
    numbers = figures.figures_for([c.account for c in page.items])
    return jsonify(
        campaigns=[_summary(c, numbers[c.account]) for c in page.items],
        page=page.page,
        per_page=per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.route("/<slug>")
def detail(slug: str):
    """One campaign: goals, raised, allocated, disbursed, balance, donor count, status."""
    campaign = svc.public_campaign(slug)
    f = figures.campaign_figures(campaign.account)
    body = _summary(campaign, f)
    body.update(
        students_supported=f.students,
        days_left=days_left(campaign),
        recent_gifts=[
            {
                "name": g.label or "Nhà hảo tâm ẩn danh",
                "asset": g.asset,
                "amount": g.amount,
                "at": g.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            for g in f.recent
        ],
        budget=[{"label": b.label, "amount": b.amount} for b in campaign.budget_lines],
        milestones=[
            {"title": m.title, "due_on": m.due_on.isoformat() if m.due_on else None, "done": m.done}
            for m in campaign.milestones
        ],
    )
    return jsonify(body)
