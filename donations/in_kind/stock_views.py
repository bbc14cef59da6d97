"""Back office: each unit's store (stock and movements), buying goods with a campaign's money,
and stock-takes (thin views on the in-kind blueprint)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import uow
from app.auth.guards import roles_required, unit_scope_clause
from app.errors import DomainError
from app.extensions import db
from app.formtools import page_number
from app.money import MoneyError, parse_amount
from campaigns.models import Campaign, CampaignStatus
from donations.in_kind import purchases, stocktake
from donations.in_kind import services as in_kind
from donations.in_kind.admin_views import GOODS, _unit_choices, bp, scoped_levels
from donations.in_kind.forms import StockPurchaseForm, StockTakeForm
from donations.in_kind.models import StockMovement, StockPurchase, StockTake

RECORDERS = in_kind.RECORDERS


@bp.get("/hien-vat/kho")
@roles_required(*GOODS)
def stock_page():
    """Each unit's stock, and the movements in and out of the stores (newest first)."""
    unit_id = request.args.get("unit", "")
    stmt = (
        select(StockMovement)
        .where(unit_scope_clause(current_user, StockMovement.unit_id))
        .options(selectinload(StockMovement.unit))
        .order_by(StockMovement.at.desc(), StockMovement.id.desc())
    )
    if unit_id.isdigit():
        stmt = stmt.where(StockMovement.unit_id == int(unit_id))
    page = db.paginate(stmt, page=page_number(), per_page=40, error_out=False)
    return render_template(
        "donations/in_kind/admin/stock.html",
        levels=scoped_levels(),
        page=page,
        unit_id=int(unit_id) if unit_id.isdigit() else None,
    )


def _campaign_choices(empty: str | None = None) -> list[tuple[int | None, str]]:
    rows = db.session.execute(
        select(Campaign).where(Campaign.status != CampaignStatus.draft).order_by(Campaign.title)
    ).scalars()
    choices = [(c.id, c.title) for c in rows]
    return ([(None, empty)] if empty else []) + choices


def _goods_choices() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in in_kind.goods_assets()]


def _quantity(text: str, asset: str, field: str, *, allow_zero: bool = False) -> int:
    if allow_zero and (text or "").strip().replace(",", "").replace(".", "").strip("0") == "":
        return 0
    try:
        return in_kind.parse_quantity(text, asset)
    except DomainError as err:
        raise DomainError(err.message, field=field) from None


@bp.route("/hien-vat/mua", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def purchase_new():
    """Propose buying goods with a campaign's money (approved by someone else)."""
    form = StockPurchaseForm()
    form.campaign_id.choices = _campaign_choices()
    form.unit_id.choices = _unit_choices()
    form.asset.choices = _goods_choices()
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            try:
                amount = parse_amount(form.amount.data)
            except MoneyError as err:
                raise DomainError(str(err), field="amount") from None
            purchase = purchases.propose_purchase(
                current_user,
                campaign=db.session.get(Campaign, form.campaign_id.data),
                unit_id=form.unit_id.data,
                asset=form.asset.data,
                quantity=_quantity(form.quantity.data, form.asset.data, "quantity"),
                amount=amount,
                supplier=form.supplier.data or "",
                invoice_number=form.invoice_number.data or "",
                invoice_date=form.invoice_date.data,
                reason=form.reason.data or "",
            )
        if done:
            flash(
                _(
                    "Đã gửi đề xuất mua hàng %(id)s; tiền chỉ ra và hàng chỉ vào kho khi một "
                    "người khác duyệt.",
                    id=purchase.proposal.public_id,
                ),
                "success",
            )
            return redirect(url_for("approvals.detail", public_id=purchase.proposal.public_id))
    recent = db.session.execute(
        select(StockPurchase)
        .where(unit_scope_clause(current_user, StockPurchase.unit_id))
        .options(selectinload(StockPurchase.proposal), selectinload(StockPurchase.unit))
        .order_by(StockPurchase.id.desc())
        .limit(10)
    ).scalars()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "donations/in_kind/admin/purchase.html", form=form, recent=list(recent)
    ), status


@bp.route("/hien-vat/kiem-ke", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def stocktake_new():
    """Record a count; a difference goes for approval as an adjustment."""
    form = StockTakeForm()
    form.unit_id.choices = _unit_choices()
    form.asset.choices = _goods_choices()
    form.campaign_id.choices = _campaign_choices(_("— Chọn khi có chênh lệch —"))
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
        form.counted_on.data = date.today()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            take = stocktake.record_stocktake(
                current_user,
                unit_id=form.unit_id.data,
                asset=form.asset.data,
                counted=_quantity(form.counted.data, form.asset.data, "counted", allow_zero=True),
                counted_on=form.counted_on.data,
                campaign=db.session.get(Campaign, form.campaign_id.data)
                if form.campaign_id.data
                else None,
                reason=form.reason.data or "",
            )
        if done:
            if take.proposal_id:
                flash(
                    _(
                        "Đã ghi kiểm kê; chênh lệch chờ duyệt ở đề xuất %(id)s.",
                        id=take.proposal.public_id,
                    ),
                    "success",
                )
                return redirect(url_for("approvals.detail", public_id=take.proposal.public_id))
            flash(_("Đã ghi kiểm kê: số đếm khớp với sổ kho."), "success")
            return redirect(url_for("in_kind_admin.stocktake_new"))
    recent = db.session.execute(
        select(StockTake)
        .where(unit_scope_clause(current_user, StockTake.unit_id))
        .options(selectinload(StockTake.proposal), selectinload(StockTake.unit))
        .order_by(StockTake.id.desc())
        .limit(10)
    ).scalars()
    status = 422 if request.method == "POST" else 200
    return render_template(
        "donations/in_kind/admin/stocktake.html",
        form=form,
        recent=list(recent),
        levels=scoped_levels(),
    ), status
