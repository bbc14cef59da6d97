"""Back office of money out of campaigns (purchases, works, reallocations) and the public copy
of an invoice. Proposing is open to admins, managers (their units) and treasurers; approving
happens on the proposal's page (`app.approvals`), by someone else."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav, private_files, uow
from app.approvals import services as approvals
from app.approvals.models import ProposalStatus
from app.auth.guards import hides_existence, require_unit, roles_required, unit_scope_clause
from app.extensions import db
from app.formtools import form_status, page_number
from app.money import format_vnd
from campaigns import figures
from campaigns.models import Campaign, CampaignStatus
from campaigns.spending import reallocation as moves
from campaigns.spending import services as svc
from campaigns.spending.forms import ExpenseForm, ReallocationForm, parse_money
from campaigns.spending.models import Expense

bp = Blueprint("campaigns_spending", __name__)
nav.register(_l("Chi tiêu chiến dịch"), "campaigns_spending.index", approvals.READERS, order=36)
PER_PAGE = 20
MANAGE_ROWS = 5
PUBLIC_ROWS = 10


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    require_unit(current_user, campaign.unit_id)
    return campaign


def _upload(field) -> tuple[bytes | None, str]:
    data = field.data
    if data is None or not getattr(data, "filename", ""):
        return None, ""
    return data.read(private_files.MAX_UPLOAD_BYTES + 1), data.filename


def expense_form(campaign: Campaign, form: ExpenseForm | None = None) -> ExpenseForm:
    """The propose form, with the campaign's budget lines to choose from."""
    form = form or ExpenseForm(formdata=None)
    form.budget_line_id.choices = [(None, _("— Không thuộc hạng mục nào —"))] + [
        (line.id, f"{line.label} ({format_vnd(line.amount)})") for line in campaign.budget_lines
    ]
    return form


def may_propose() -> bool:
    """True when the current user may propose money out."""
    return current_user.role.value in approvals.PROPOSERS


def manage_context(campaign: Campaign) -> dict:
    """What the campaign's manage page shows in its "Chi tiêu" section."""
    lines, loose = svc.budget_progress(campaign)
    latest = db.session.execute(
        svc.campaign_expenses(campaign).options(selectinload(Expense.proposal)).limit(MANAGE_ROWS)
    ).scalars()
    return {
        "expenses": list(latest),
        "budget": lines,
        "unbudgeted": loose,
        "expense_form": expense_form(campaign),
        "pending": svc.pending_out([campaign.account]).get(campaign.account, 0),
    }


@bp.get("/quan-tri/chi-tieu")
@roles_required(*approvals.READERS)
def index():
    """Campaigns in scope with their balance, spending and money waiting to go out."""
    stmt = (
        select(Campaign)
        .where(
            Campaign.status != CampaignStatus.draft,
            unit_scope_clause(current_user, Campaign.unit_id),
        )
        .options(selectinload(Campaign.unit))
        .order_by(Campaign.status, Campaign.title)
    )
    page = db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)
    accounts = [c.account for c in page.items]
    return render_template(
        "campaigns/spending/index.html",
        page=page,
        numbers=figures.figures_for(accounts),
        pending=svc.pending_out(accounts),
    )


def _closed(campaign: Campaign) -> bool:
    return campaign.status in (CampaignStatus.closed, CampaignStatus.archived)


def _campaign_page(campaign: Campaign, form: ExpenseForm | None = None, status: int = 200):
    page = db.paginate(
        svc.campaign_expenses(campaign).options(
            selectinload(Expense.proposal), selectinload(Expense.budget_line)
        ),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    lines, loose = svc.budget_progress(campaign)
    numbers = figures.campaign_figures(campaign.account)
    reallocs = moves.reallocations(
        campaign, statuses=(ProposalStatus.approved, ProposalStatus.proposed)
    )
    return render_template(
        "campaigns/spending/campaign.html",
        campaign=campaign,
        page=page,
        f=numbers,
        budget=lines,
        unbudgeted=loose,
        reallocations=reallocs,
        closing=moves.closing(campaign, numbers, reallocs) if _closed(campaign) else None,
        pending=svc.pending_out([campaign.account]).get(campaign.account, 0),
        form=expense_form(campaign, form),
        may_propose=may_propose(),
    ), status


@bp.get("/quan-tri/chien-dich/<int:campaign_id>/chi-tieu")
@roles_required(*approvals.READERS)
def campaign(campaign_id: int):
    """One campaign's money out: budget vs spent, expenses, reallocations, the propose form."""
    return _campaign_page(_campaign(campaign_id))


@bp.post("/quan-tri/chien-dich/<int:campaign_id>/chi-tieu/de-xuat")
@roles_required(*approvals.PROPOSERS)
def propose(campaign_id: int):
    """Propose a payment; a second person approves it on the proposal's page."""
    item = _campaign(campaign_id)
    form = expense_form(item, ExpenseForm())
    if form.validate_on_submit():
        invoice, invoice_name = _upload(form.invoice)
        copy, copy_name = _upload(form.public_copy)
        with uow.attempt(form) as done:
            expense = svc.propose_expense(
                current_user,
                item,
                kind=form.kind.data,
                description=form.description.data,
                supplier=form.supplier.data,
                tax_code=form.tax_code.data or "",
                invoice_number=form.invoice_number.data,
                invoice_date=form.invoice_date.data,
                amount=parse_money(form.amount.data),
                invoice=invoice,
                invoice_name=invoice_name,
                budget_line_id=form.budget_line_id.data,
                public_copy=copy,
                public_copy_name=copy_name,
                reason=form.reason.data or "",
            )
        if done:
            public_id = expense.proposal.public_id
            flash(
                _("Đã gửi đề xuất chi %(id)s; cần một người khác duyệt.", id=public_id),
                "success",
            )
            return redirect(url_for("approvals.detail", public_id=public_id))
    return _campaign_page(item, form, 422)


@bp.route("/quan-tri/chien-dich/<int:campaign_id>/dieu-chuyen", methods=["GET", "POST"])
@roles_required(*approvals.PROPOSERS)
def reallocate(campaign_id: int):
    """Record the board's decision to move this campaign's money to another campaign."""
    source = _campaign(campaign_id)
    form = ReallocationForm()
    choices = moves.targets(source)
    form.target_id.choices = [(None, "—")] + [(c.id, c.title) for c in choices]
    if request.method == "GET" and moves.available(source):
        form.amount.data = f"{moves.available(source):,}".replace(",", ".")
    if form.validate_on_submit():
        target = next((c for c in choices if c.id == form.target_id.data), None)
        with uow.attempt(form) as done:
            move = moves.propose_reallocation(
                current_user,
                source,
                target,
                amount=parse_money(form.amount.data),
                minutes_ref=form.minutes_ref.data,
                reason=form.reason.data,
            )
        if done:
            public_id = move.proposal.public_id
            flash(
                _("Đã gửi đề xuất điều chuyển %(id)s; cần một người khác duyệt.", id=public_id),
                "success",
            )
            return redirect(url_for("approvals.detail", public_id=public_id))
    numbers = figures.campaign_figures(source.account)
    return render_template(
        "campaigns/spending/reallocate.html",
        campaign=source,
        form=form,
        f=numbers,
        available=moves.available(source),
        has_targets=bool(choices),
    ), form_status(form)


def _send(relative: str | None):
    return private_files.send(relative)  # 404 when missing; a PDF as an attachment


@bp.get("/quan-tri/chi-tieu/<int:expense_id>/hoa-don")
@roles_required(*approvals.READERS)
@hides_existence
def invoice(expense_id: int):
    """The original invoice scan: back office only, never public."""
    return _send(svc.get_expense(current_user, expense_id).invoice_path)


@bp.get("/quan-tri/chi-tieu/<int:expense_id>/ban-cong-khai")
@roles_required(*approvals.READERS)
@hides_existence
def staff_copy(expense_id: int):
    """The redacted copy as the public will see it once approved (checked before approving)."""
    return _send(svc.get_expense(current_user, expense_id).public_copy_path)


@bp.get("/chien-dich/<slug>/hoa-don/<int:expense_id>")
def public_copy(slug: str, expense_id: int):
    """The redacted copy of an approved expense's invoice; the original is never served here."""
    expense = svc.public_copy(slug, expense_id)
    response = _send(expense.public_copy_path)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def public_spending(campaign: Campaign, numbers: figures.Figures) -> dict:
    """What the public campaign page shows of money out (a bounded number of queries)."""
    closed = _closed(campaign)
    statuses = (ProposalStatus.approved, ProposalStatus.proposed) if closed else None
    reallocs = moves.reallocations(campaign, **({"statuses": statuses} if statuses else {}))
    expenses, count = svc.approved_expenses(campaign, limit=PUBLIC_ROWS)
    lines, loose = svc.budget_progress(campaign) if campaign.budget_lines else ([], 0)
    return {
        "expenses": expenses,
        "expense_count": count,
        "budget": lines,
        "unbudgeted": loose,
        "moves": [m for m in reallocs if m.status == ProposalStatus.approved],
        "closing": moves.closing(campaign, numbers, reallocs) if closed else None,
    }
