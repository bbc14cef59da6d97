"""Back office for campaigns: list, create and edit with preview, lifecycle, goals, budget,
milestones, updates and personal pages. Admins reach every campaign, managers their units'."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import require_unit, roles_required, unit_scope_clause
from app.errors import DomainError
from app.extensions import db
from app.formtools import form_status, page_number
from app.money import MoneyError, parse_amount
from app.units import services as units
from campaigns import figures, impact
from campaigns import services as svc
from campaigns import services_pages as pages_svc
from campaigns.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    BudgetLineForm,
    CampaignForm,
    GoalForm,
    MilestoneForm,
    UpdateForm,
    parse_target,
)
from campaigns.images import ImageError, image_exists, store_image
from campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignUpdate,
    FundraisingPage,
    PageStatus,
)
from campaigns.spending.views import manage_context
from campaigns.text import render_markdown

bp = Blueprint("campaigns_admin", __name__, url_prefix="/quan-tri/chien-dich")
EDITORS = ("admin", "manager")
FIELDS = (
    "title",
    "slug",
    "summary",
    "story_md",
    "kind",
    "unit_id",
    "starts_on",
    "ends_on",
    "featured",
)


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    svc.check_editor(current_user, campaign)
    return campaign


def _unit_choices() -> list[tuple[int | None, str]]:
    scope = units.tree()
    allowed = {
        u.id
        for u in db.session.execute(
            select(units.Unit).where(unit_scope_clause(current_user, units.Unit.id))
        ).scalars()
    }
    return [(None, "—")] + [(u.id, "— " * d + u.name) for u, d in scope if u.id in allowed]


def _upload(field) -> bytes | None:
    data = field.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return data.read()


@bp.route("/")
@roles_required(*EDITORS)
def index():
    """Campaigns in the user's scope, filtered by status."""
    status = request.args.get("status", "")
    stmt = select(Campaign).where(unit_scope_clause(current_user, Campaign.unit_id))
    if status in STATUS_LABELS:
        stmt = stmt.where(Campaign.status == CampaignStatus(status))
    stmt = stmt.options(selectinload(Campaign.unit))  # shown on each row: once for the page
    stmt = stmt.order_by(Campaign.updated_at.desc(), Campaign.id.desc())
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    return render_template(
        "campaigns/admin/index.html",
        page=page,
        status=status,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
    )


@bp.route("/moi", methods=["GET", "POST"], defaults={"campaign_id": None})
@bp.route("/<int:campaign_id>/sua", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(campaign_id: int | None):
    """Create or edit; the Preview button shows the page without saving anything."""
    campaign = _campaign(campaign_id) if campaign_id else None
    form = CampaignForm(obj=campaign)
    form.unit_id.choices = _unit_choices()
    if request.method == "GET" and campaign is None:
        form.unit_id.data = current_user.unit_id
    preview = None
    # A cover chosen before "Xem trước" is kept (stored, its key in a hidden field) for the save.
    kept_cover = (
        request.form.get("kept_cover", "")
        if image_exists(request.form.get("kept_cover", ""))
        else ""
    )
    if form.validate_on_submit():
        data = {name: form[name].data for name in FIELDS}
        if "preview" in request.form:
            upload = _upload(form.cover)
            if upload:
                try:
                    kept_cover = store_image(upload)
                except ImageError as err:
                    form.cover.errors = [*form.cover.errors, str(err.message)]
            preview = {
                "title": data["title"],
                "summary": data["summary"],
                "story": render_markdown(data["story_md"] or ""),
                "cover": kept_cover or (campaign.cover_image if campaign else None),
                "kind": KIND_LABELS.get(data["kind"], ""),
            }
        else:
            with uow.attempt(form) as done:
                if campaign is None:
                    campaign = svc.create_campaign(current_user, **data)
                else:
                    svc.update_campaign(current_user, campaign, **data)
                cover = _upload(form.cover)
                if cover:
                    svc.set_cover(current_user, campaign, cover)
                elif kept_cover:
                    svc.use_stored_cover(current_user, campaign, kept_cover)
            if done:
                flash(_("Đã lưu chiến dịch “%(t)s”.", t=campaign.title), "success")
                return redirect(url_for("campaigns_admin.manage", campaign_id=campaign.id))
            if campaign_id is None:
                campaign = None  # the new campaign was rolled back
    return render_template(
        "campaigns/admin/edit.html",
        form=form,
        campaign=campaign,
        preview=preview,
        kept_cover=kept_cover,
    ), form_status(form)


@bp.route("/<int:campaign_id>")
@roles_required(*EDITORS)
def manage(campaign_id: int):
    """One campaign: lifecycle, goals, budget, milestones, updates, links, pages."""
    campaign = _campaign(campaign_id)
    updates = (
        db.session.execute(
            select(CampaignUpdate)
            .where(CampaignUpdate.campaign_id == campaign.id)
            .order_by(CampaignUpdate.published_at.desc())
        )
        .scalars()
        .all()
    )
    page_list = (
        db.session.execute(
            select(FundraisingPage)
            .where(FundraisingPage.campaign_id == campaign.id)
            .order_by(FundraisingPage.status, FundraisingPage.created_at.desc())
        )
        .scalars()
        .all()
    )
    # A unit's code is its unit code; its row is created when it first raises money.
    ref_unit = current_user.unit if current_user.role.value == "manager" else campaign.unit
    return render_template(
        "campaigns/admin/manage.html",
        campaign=campaign,
        updates=updates,
        pages=page_list,
        f=figures.campaign_figures(campaign.account),
        goal_form=GoalForm(prefix="goal"),
        tier_form=impact.TierForm(prefix="tier"),
        tiers=impact.tiers_of(campaign),
        budget_form=BudgetLineForm(prefix="line"),
        milestone_form=MilestoneForm(prefix="ms"),
        transitions=svc.TRANSITIONS[campaign.status],
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        ref_unit=ref_unit,
        **manage_context(campaign),
    )


@bp.route("/<int:campaign_id>/xem-truoc")
@roles_required(*EDITORS)
def preview(campaign_id: int):
    """The public page as it will look, drafts included (never cached)."""
    from campaigns.views import _render_detail

    campaign = _campaign(campaign_id)
    return _render_detail(campaign, None)


def _back(campaign: Campaign, done: uow.Attempt, message: str):
    """Back to the campaign, flashing `message` if the change committed (a refusal is flashed)."""
    if done:
        flash(message, "success")
    return redirect(url_for("campaigns_admin.manage", campaign_id=campaign.id))


@bp.route("/<int:campaign_id>/trang-thai", methods=["POST"])
@roles_required(*EDITORS)
def status(campaign_id: int):
    """Publish, close, reopen or archive."""
    campaign = _campaign(campaign_id)
    with uow.attempt() as done:
        svc.set_status(current_user, campaign, request.form.get("status", ""))
    return _back(
        campaign,
        done,
        _("Chiến dịch hiện ở trạng thái: %(s)s.", s=STATUS_LABELS[campaign.status.value]),
    )


@bp.route("/<int:campaign_id>/muc-tieu", methods=["POST"])
@roles_required(*EDITORS)
def add_goal(campaign_id: int):
    """Add a goal (đồng, kg of rice, bicycles, supply sets)."""
    campaign = _campaign(campaign_id)
    form = GoalForm(prefix="goal")
    with uow.attempt() as done:
        if not form.validate():
            raise DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        target = parse_target(form.asset.data, form.target.data)
        svc.add_goal(current_user, campaign, form.asset.data, target, form.label.data or "")
    return _back(campaign, done, _("Đã thêm mục tiêu."))


@bp.route("/<int:campaign_id>/muc-tieu/<int:goal_id>/xoa", methods=["POST"])
@roles_required(*EDITORS)
def remove_goal(campaign_id: int, goal_id: int):
    """Delete a goal."""
    campaign = _campaign(campaign_id)
    with uow.attempt() as done:
        svc.remove_goal(current_user, campaign, goal_id)
    return _back(campaign, done, _("Đã xoá mục tiêu."))


@bp.route("/<int:campaign_id>/ngan-sach", methods=["POST"])
@roles_required(*EDITORS)
def add_line(campaign_id: int):
    """Add a budget line."""
    campaign = _campaign(campaign_id)
    form = BudgetLineForm(prefix="line")
    with uow.attempt() as done:
        if not form.validate():
            raise DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        try:
            amount = parse_amount(form.amount.data, maximum=10**13)
        except MoneyError as err:
            raise DomainError(str(err)) from None
        svc.add_budget_line(current_user, campaign, form.label.data, amount)
    return _back(campaign, done, _("Đã thêm hạng mục ngân sách."))


@bp.route("/<int:campaign_id>/ngan-sach/<int:line_id>/xoa", methods=["POST"])
@roles_required(*EDITORS)
def remove_line(campaign_id: int, line_id: int):
    """Delete a budget line."""
    campaign = _campaign(campaign_id)
    with uow.attempt() as done:
        svc.remove_budget_line(current_user, campaign, line_id)
    return _back(campaign, done, _("Đã xoá hạng mục."))


@bp.route("/<int:campaign_id>/moc", methods=["POST"])
@roles_required(*EDITORS)
def add_milestone(campaign_id: int):
    """Add a milestone."""
    campaign = _campaign(campaign_id)
    form = MilestoneForm(prefix="ms")
    with uow.attempt() as done:
        if not form.validate():
            raise DomainError(" ".join(str(e) for errs in form.errors.values() for e in errs))
        svc.add_milestone(current_user, campaign, form.title.data, form.due_on.data)
    return _back(campaign, done, _("Đã thêm mốc."))


@bp.route("/<int:campaign_id>/moc/<int:milestone_id>/<action>", methods=["POST"])
@roles_required(*EDITORS)
def change_milestone(campaign_id: int, milestone_id: int, action: str):
    """Toggle or delete a milestone."""
    campaign = _campaign(campaign_id)
    with uow.attempt() as done:
        if action == "xoa":
            svc.remove_milestone(current_user, campaign, milestone_id)
        elif action == "doi":
            svc.toggle_milestone(current_user, campaign, milestone_id)
        else:
            abort(404)
    return _back(campaign, done, _("Đã cập nhật mốc."))


@bp.route("/<int:campaign_id>/tin/moi", methods=["GET", "POST"], defaults={"update_id": None})
@bp.route("/<int:campaign_id>/tin/<int:update_id>/sua", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_update(campaign_id: int, update_id: int | None):
    """Write or edit a news post with an optional photo."""
    campaign = _campaign(campaign_id)
    post = db.session.get(CampaignUpdate, update_id) if update_id else None
    if update_id and (post is None or post.campaign_id != campaign.id):
        abort(404)
    form = UpdateForm(obj=post)
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            photo = _upload(form.image)
            if post is None:
                post = pages_svc.create_update(
                    current_user, campaign, form.title.data, form.body_md.data, photo
                )
            else:
                pages_svc.edit_update(current_user, post, form.title.data, form.body_md.data, photo)
        if done:
            return _back(campaign, done, _("Đã đăng tin “%(t)s”.", t=post.title))
    return render_template(
        "campaigns/admin/update_form.html", form=form, campaign=campaign, post=post
    ), form_status(form)


@bp.route("/<int:campaign_id>/tin/<int:update_id>/xoa", methods=["POST"])
@roles_required(*EDITORS)
def delete_update(campaign_id: int, update_id: int):
    """Delete a news post."""
    campaign = _campaign(campaign_id)
    post = db.session.get(CampaignUpdate, update_id)
    if post is None or post.campaign_id != campaign.id:
        abort(404)
    with uow.attempt() as done:
        pages_svc.delete_update(current_user, post)
    return _back(campaign, done, _("Đã xoá tin."))


@bp.route("/trang-ca-nhan")
@roles_required(*EDITORS)
def pages():
    """Personal fundraising pages of the user's campaigns, pending first."""
    stmt = (
        select(FundraisingPage)
        .join(Campaign, Campaign.id == FundraisingPage.campaign_id)
        .where(unit_scope_clause(current_user, Campaign.unit_id))
        .order_by(FundraisingPage.status != PageStatus.pending, FundraisingPage.created_at.desc())
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template("campaigns/admin/pages.html", page=page)


@bp.route("/trang-ca-nhan/<int:page_id>/quyet-dinh", methods=["POST"])
@roles_required(*EDITORS)
def decide(page_id: int):
    """Approve or reject a personal page."""
    item = db.session.get(FundraisingPage, page_id)
    if item is None:
        abort(404)
    # Another unit's page is refused (403), not answered with a flash message and a redirect.
    require_unit(current_user, item.campaign.unit_id)
    approve = request.form.get("decision") == "approve"
    with uow.attempt() as done:
        pages_svc.decide_page(current_user, item, approve)
    if done:
        flash(_("Đã duyệt trang.") if approve else _("Đã từ chối trang."), "success")
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("campaigns_admin.pages")
    return redirect(target)
