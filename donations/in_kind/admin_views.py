"""Back office: goods received by units (list and record) and the stock of each unit."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import (
    roles_required,
    sees_all_units,
    unit_scope_clause,
    unit_subtree_ids,
)
from app.errors import DomainError
from app.extensions import db
from app.formtools import form_status
from app.money import MoneyError, parse_amount
from app.units.models import Unit
from app.units.services import tree as unit_tree
from campaigns.models import Campaign, CampaignStatus
from donations.in_kind import services as in_kind
from donations.in_kind import stock
from donations.in_kind.forms import InKindForm
from donations.in_kind.models import InKindGift

bp = Blueprint("in_kind_admin", __name__, url_prefix="/quan-tri/ung-ho")
GOODS = ("admin", "manager", "treasurer", "auditor")
nav.register(_l("Hiện vật"), "in_kind_admin.in_kind_list", GOODS, order=33)


def _unit_choices() -> list[tuple[int, str]]:
    scope = None if sees_all_units(current_user) else unit_subtree_ids(current_user.unit_id)
    return [(u.id, "— " * d + u.name) for u, d in unit_tree() if scope is None or u.id in scope]


def scoped_levels() -> list[tuple[Unit, dict[str, int]]]:
    """Stock of every unit the user sees that holds anything, by the units' names."""
    scope = None if sees_all_units(current_user) else unit_subtree_ids(current_user.unit_id)
    held = stock.levels(scope)
    units = db.session.execute(select(Unit).where(Unit.id.in_(list(held)))).scalars()
    return sorted(((u, held[u.id]) for u in units), key=lambda pair: pair[0].name)


@bp.route("/hien-vat")
@roles_required(*GOODS)
def in_kind_list():
    """Goods received, within the user's units."""
    stmt = (
        select(InKindGift)
        .where(unit_scope_clause(current_user, InKindGift.unit_id))
        .options(selectinload(InKindGift.campaign), selectinload(InKindGift.unit))
        .order_by(InKindGift.received_on.desc(), InKindGift.id.desc())
    )
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render_template(
        "donations/in_kind/admin/in_kind_list.html", page=page, levels=scoped_levels()
    )


@bp.route("/hien-vat/moi", methods=["GET", "POST"])
@roles_required(*in_kind.RECORDERS)
def in_kind_new():
    """Record goods a unit received."""
    form = InKindForm()
    form.campaign_id.choices = [
        (c.id, c.title)
        for c in db.session.execute(
            select(Campaign)
            .where(Campaign.status == CampaignStatus.published)
            .order_by(Campaign.title)
        ).scalars()
    ]
    form.unit_id.choices = _unit_choices()
    form.asset.choices = [(a.code, a.name) for a in in_kind.goods_assets()]
    if request.method == "GET":
        form.unit_id.data = current_user.unit_id
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            value = None
            if (form.estimated_value.data or "").strip():
                try:
                    value = parse_amount(form.estimated_value.data)
                except MoneyError as err:
                    raise DomainError(str(err), field="estimated_value") from None
            gift = in_kind.record_in_kind(
                current_user,
                campaign=db.session.get(Campaign, form.campaign_id.data),
                unit_id=form.unit_id.data,
                asset=form.asset.data,
                quantity=in_kind.parse_quantity(form.quantity.data, form.asset.data),
                estimated_value=value,
                received_on=form.received_on.data,
                donor_name=form.donor_name.data or "",
                anonymous=form.anonymous.data,
                note=form.note.data or "",
            )
        if done:
            flash(_("Đã ghi nhận hiện vật %(ref)s.", ref=gift.reference), "success")
            return redirect(url_for("in_kind_admin.in_kind_list"))
    return render_template("donations/in_kind/admin/in_kind_form.html", form=form), form_status(
        form
    )
