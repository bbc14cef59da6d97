"""Public campaign pages: list, campaign, updates, share card, poster, leaderboards, pages."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from app import uow
from app.dbtypes import VN_TZ
from app.errors import NotFound
from app.extensions import db, limiter
from app.formtools import form_status, page_number
from app.units.models import Unit
from campaigns import cache, figures, impact, referrals, share_jobs
from campaigns import services as svc
from campaigns import services_pages as pages_svc
from campaigns.forms import KIND_LABELS, STATUS_LABELS, PageForm, optional_int, parse_target
from campaigns.images import KEY_RE, VARIANT_FORMATS, VARIANTS, variant_path
from campaigns.models import Campaign, CampaignKind, CampaignStatus, CampaignUpdate
from campaigns.poster import poster_pdf, poster_png
from campaigns.share import card_version, main_goal, percent
from campaigns.spending.views import public_spending

bp = Blueprint("campaigns", __name__)
PER_PAGE = 12
PUBLIC_STATUSES = (CampaignStatus.published, CampaignStatus.closed, CampaignStatus.archived)
YEAR = 365 * 24 * 3600


def today() -> date:
    """Today in Vietnam."""
    return datetime.now(VN_TZ).date()


def days_left(campaign: Campaign) -> int | None:
    """Days until the campaign ends (0 on its last day), None when open-ended, ended or not
    taking gifts (a closed campaign never counts down, a draft has not started)."""
    if campaign.ends_on is None or campaign.status != CampaignStatus.published:
        return None
    left = (campaign.ends_on - today()).days
    return left if left >= 0 else None


def goal_rows(campaign: Campaign, raised: dict[str, int]) -> list[dict]:
    """Each goal with what was raised towards it, đồng goals first."""
    goals = sorted(campaign.goals, key=lambda g: (g.asset != "VND", g.id))
    return [
        {
            "goal": g,
            "raised": raised.get(g.asset, 0),
            "percent": percent(raised.get(g.asset, 0), g.target),
            "bar": min(percent(raised.get(g.asset, 0), g.target), 100),
        }
        for g in goals
    ]


def share_links(url: str, title: str) -> dict[str, str]:
    """Share targets for the buttons (no third-party script on our pages)."""
    from urllib.parse import quote

    return {
        "facebook": f"https://www.facebook.com/sharer/sharer.php?u={quote(url, safe='')}",
        "zalo": f"https://zalo.me/share?url={quote(url, safe='')}&title={quote(title, safe='')}",
    }


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the public site (SITE_URL), for sharing and QR codes."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


@bp.route("/chien-dich/")
def index():
    """Campaigns with filters (kind, unit, status) and pagination."""
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    unit_id = (
        optional_int(request.args.get("unit", ""))
        if request.args.get("unit", "").isdigit() and len(request.args["unit"]) <= 18
        else None
    )
    stmt = select(Campaign)
    if status in {s.value for s in PUBLIC_STATUSES}:
        stmt = stmt.where(Campaign.status == CampaignStatus(status))
    else:
        status = ""
        stmt = stmt.where(Campaign.status.in_([CampaignStatus.published, CampaignStatus.closed]))
    if kind in {k.value for k in CampaignKind}:
        stmt = stmt.where(Campaign.kind == CampaignKind(kind))
    else:
        kind = ""
    if unit_id:
        stmt = stmt.where(Campaign.unit_id == unit_id)
    stmt = stmt.order_by(
        case((Campaign.status == CampaignStatus.published, 0), else_=1),
        Campaign.featured.desc(),
        Campaign.starts_on.desc(),
        Campaign.id.desc(),
    )
    stmt = stmt.options(selectinload(Campaign.goals))  # each card shows its goal
    page = db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)
    numbers = figures.figures_for([c.account for c in page.items])
    raised = {account: f.raised for account, f in numbers.items()}
    units = (
        db.session.execute(
            select(Unit)
            .where(
                Unit.id.in_(select(Campaign.unit_id).where(Campaign.status != CampaignStatus.draft))
            )
            .order_by(Unit.name)
        )
        .scalars()
        .all()
    )
    return render_template(
        "campaigns/list.html",
        page=page,
        raised=raised,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        units=units,
        kind=kind,
        status=status,
        unit_id=unit_id,
        goal_rows=goal_rows,
    )


@bp.route("/c/<slug>")
def short(slug: str):
    """Short link for posters and chat messages; keeps the referral code."""
    ref = referrals.normalise(request.args.get("ref"))
    return redirect(url_for("campaigns.detail", slug=slug.lower(), ref=ref), 302)


def _render_detail(campaign: Campaign, ref: str | None) -> str:
    numbers = figures.campaign_figures(campaign.account)
    updates = (
        db.session.execute(
            select(CampaignUpdate)
            .where(CampaignUpdate.campaign_id == campaign.id)
            .order_by(CampaignUpdate.published_at.desc(), CampaignUpdate.id.desc())
            .limit(5)
        )
        .scalars()
        .all()
    )
    url = public_url("campaigns.detail", slug=campaign.slug)
    return render_template(
        "campaigns/detail.html",
        campaign=campaign,
        f=numbers,
        goals=goal_rows(campaign, numbers.raised),
        main=main_goal(campaign, numbers.raised),
        days_left=days_left(campaign),
        updates=updates,
        ref=ref,
        share_url=public_url("campaigns.detail", slug=campaign.slug, ref=ref) if ref else url,
        short_url=public_url("campaigns.short", slug=campaign.slug, ref=ref),
        canonical=url,
        share=share_links(
            public_url("campaigns.detail", slug=campaign.slug, ref=ref) if ref else url,
            campaign.title,
        ),
        card_version=card_version(campaign, numbers.raised),
        units_board=referrals.unit_board(campaign, limit=5),
        pages_board=referrals.page_board(campaign, limit=5),
        honour=figures.honour_roll(campaign.account, limit=10),
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        milestones=sorted(campaign.milestones, key=lambda m: (m.due_on or date.max, m.id)),
        spending=public_spending(campaign, numbers),
        tiers=impact.tiers_of(campaign),
    )


@bp.route("/chien-dich/<slug>")
def detail(slug: str):
    """The campaign page; cached whole for a few seconds for anonymous visitors."""
    ref = referrals.current_ref_code()
    cacheable = not current_user.is_authenticated and not session.get("_flashes")
    key = ("detail", slug, str(get_locale()), ref or "")
    html = cache.get(key) if cacheable else None
    if html is None:
        campaign = svc.public_campaign(slug)
        html = _render_detail(campaign, ref)
        if cacheable:
            cache.put(key, html)
    return html


@bp.route("/chien-dich/<slug>/tin/<int:update_id>")
def update(slug: str, update_id: int):
    """One news post, with its own sharing tags."""
    campaign = svc.public_campaign(slug)
    post = db.session.get(CampaignUpdate, update_id)
    if post is None or post.campaign_id != campaign.id:
        raise NotFound(_("Không tìm thấy tin này."))
    url = public_url("campaigns.update", slug=slug, update_id=update_id)
    return render_template(
        "campaigns/update.html",
        campaign=campaign,
        post=post,
        canonical=url,
        share=share_links(url, post.title),
    )


@bp.route("/chien-dich/<slug>/anh-chia-se.png")
def share_card(slug: str):
    """The 1200×630 share card for the current totals (drawn by the worker)."""
    campaign = svc.public_campaign(slug)
    raised = figures.campaign_figures(campaign.account).raised
    path, current = share_jobs.campaign_card(campaign, raised)
    response = send_file(path, mimetype="image/png", max_age=60 if current else 30)
    if current and request.args.get("v") == card_version(campaign, raised):
        response.cache_control.max_age = YEAR
        response.cache_control.public = True
    return response


@bp.route("/anh-chia-se.png")
def fund_share_card():
    """The fund's 1200×630 share image (the home page's Open Graph and Twitter image)."""
    totals = figures.fund_totals()
    path, current = share_jobs.fund_card(totals.raised_vnd, totals.students)
    return send_file(path, mimetype="image/png", max_age=600 if current else 30)


def _poster_url(campaign: Campaign) -> str:
    ref = referrals.normalise(request.args.get("ref"))
    ref = ref if referrals.is_known(ref) else None
    return public_url("campaigns.short", slug=campaign.slug, ref=ref)


@bp.route("/chien-dich/<slug>/poster.pdf")
def poster(slug: str):
    """Printable A4 PDF poster with a QR code to the campaign (and the unit's ref, if given)."""
    campaign = svc.public_campaign(slug)
    data = poster_pdf(campaign, _poster_url(campaign), current_app.config["FUND_NAME"])
    return current_app.response_class(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="poster-{campaign.slug}.pdf"'},
    )


@bp.route("/chien-dich/<slug>/poster.png")
def poster_image(slug: str):
    """The same poster as an A4 PNG (150 dpi)."""
    campaign = svc.public_campaign(slug)
    data = poster_png(campaign, _poster_url(campaign), current_app.config["FUND_NAME"])
    return current_app.response_class(
        data,
        mimetype="image/png",
        headers={"Content-Disposition": f'inline; filename="poster-{campaign.slug}.png"'},
    )


@bp.route("/anh/<key>-<variant>.<fmt>")
def image(key: str, variant: str, fmt: str):
    """A stored image variant; content-addressed, so cached for a year."""
    if not KEY_RE.match(key) or variant not in VARIANTS or fmt not in VARIANT_FORMATS:
        abort(404)
    path = variant_path(key, variant, fmt)
    if not path.exists():
        abort(404)
    response = send_file(
        path, mimetype="image/webp" if fmt == "webp" else "image/jpeg", max_age=YEAR
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.route("/thi-dua")
@bp.route("/chien-dich/<slug>/thi-dua")
def leaderboard(slug: str | None = None):
    """Bảng thi đua: units and personal pages by what their links raised."""
    campaign = svc.public_campaign(slug) if slug else None
    return render_template(
        "campaigns/leaderboard.html",
        campaign=campaign,
        units_board=referrals.unit_board(campaign, limit=50),
        pages_board=referrals.page_board(campaign, limit=50),
    )


@bp.route("/vinh-danh")
def honour():
    """Donors and businesses who agreed to be shown."""
    return render_template("campaigns/honour.html", rows=figures.honour_roll(None, limit=200))


@bp.route("/chien-dich/<slug>/gay-quy", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FUNDRAISING_PAGE_LIMIT"], methods=["POST"])
def new_page(slug: str):
    """A member asks for a personal fundraising page for this campaign."""
    campaign = svc.public_campaign(slug)
    form = PageForm()
    form.unit_id.choices = [(None, "—")] + [
        (u.id, u.name)
        for u in db.session.execute(
            select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)
        ).scalars()
    ]
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            page = pages_svc.create_page(
                campaign,
                owner_name=form.owner_name.data,
                owner_email=form.owner_email.data,
                unit_id=form.unit_id.data,
                title=form.title.data,
                message=form.message.data,
                goal=parse_target("VND", form.goal.data, field="goal"),
            )
        if done:
            flash(
                _(
                    "Đã gửi đề nghị. Trang của bạn sẽ hiện sau khi đơn vị phụ trách duyệt; đường dẫn riêng: %(url)s",
                    url=public_url("campaigns.personal", slug=slug, code=page.code),
                ),
                "success",
            )
            return redirect(url_for("campaigns.detail", slug=slug))
    return render_template("campaigns/page_form.html", form=form, campaign=campaign), form_status(
        form
    )


@bp.route("/chien-dich/<slug>/ca-nhan/<code>")
def personal(slug: str, code: str):
    """A member's personal page: own goal and message; gifts made from it carry its code."""
    page = pages_svc.public_page(slug, code)
    if session.get(referrals.SESSION_KEY) != page.code:
        session[referrals.SESSION_KEY] = page.code
    raised, gifts = referrals.page_raised(page)
    url = public_url("campaigns.personal", slug=slug, code=page.code)
    return render_template(
        "campaigns/personal.html",
        page=page,
        campaign=page.campaign,
        raised=raised,
        gifts=gifts,
        percent=percent(raised, page.goal),
        ref=page.code,
        canonical=url,
        share=share_links(url, page.title),
    )
