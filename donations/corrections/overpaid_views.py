"""Back office: the queue of pledges paid more than pledged or twice, and the decision on each
(keep the difference, or propose a refund)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import roles_required
from app.errors import DomainError
from app.extensions import db
from app.formtools import page_number
from app.money import MoneyError, parse_amount
from donations.corrections import overpaid
from donations.corrections.forms import KeepForm, RefundForm
from donations.corrections.models import Overpayment
from donations.pledges.models import Pledge

bp = Blueprint("overpaid_admin", __name__, url_prefix="/quan-tri/ung-ho/chuyen-thua")
nav.register(_l("Chuyển thừa, chuyển trùng"), "overpaid_admin.index", overpaid.READERS, 37)
TABS = {"waiting": _l("Chờ xử lý"), "decided": _l("Đã xử lý")}


@bp.get("")
@roles_required(*overpaid.READERS)
def index():
    """Pledges whose excess waits for a decision, or the decisions already taken."""
    tab = request.args.get("tab", "waiting")
    if tab not in TABS:
        tab = "waiting"
    if tab == "waiting":
        stmt = overpaid.queue(current_user)
    else:
        stmt = (
            select(Overpayment)
            .options(
                selectinload(Overpayment.pledge).selectinload(Pledge.campaign),
                selectinload(Overpayment.proposal),
                selectinload(Overpayment.recorded_by),
            )
            .order_by(Overpayment.id.desc())
        )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    left = {p.id: overpaid.outstanding(p) for p in page.items} if tab == "waiting" else {}
    return render_template(
        "donations/corrections/overpaid_list.html",
        page=page,
        tab=tab,
        tabs=TABS,
        left=left,
        gifts={p.id: len(overpaid.gifts_of(p)) for p in page.items} if tab == "waiting" else {},
        waiting=overpaid.queue_count(),
    )


def _detail(pledge, keep_form=None, refund_form=None, status: int = 200):
    left = overpaid.outstanding(pledge)
    if refund_form is None:
        refund_form = RefundForm(formdata=None)
        refund_form.amount.data = str(left) if left else ""
    return render_template(
        "donations/corrections/overpaid_detail.html",
        pledge=pledge,
        left=left,
        gifts=overpaid.gifts_of(pledge),
        decisions=overpaid.decisions(pledge),
        keep_form=keep_form or KeepForm(formdata=None),
        refund_form=refund_form,
        may_decide=current_user.role.value in overpaid.TREASURY,
    ), status


@bp.get("/<reference>")
@roles_required(*overpaid.READERS)
def detail(reference: str):
    """One pledge: its transfers, what is left to decide, and the two decisions."""
    return _detail(overpaid.get(current_user, reference))


@bp.post("/<reference>/giu-lai")
@roles_required(*overpaid.TREASURY)
def keep(reference: str):
    """Keep the excess for the campaign (and thank the donor if asked)."""
    pledge = overpaid.get(current_user, reference)
    form = KeepForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            decision = overpaid.keep(
                current_user, pledge, thank=form.thank.data, note=form.note.data or ""
            )
        if done:
            flash(
                _("Đã ghi nhận: giữ lại phần chuyển thừa cho chiến dịch.")
                + (" " + _("E-mail cảm ơn đã được gửi.") if decision.thanked else ""),
                "success",
            )
            return redirect(url_for("overpaid_admin.index"))
    return _detail(db.session.get(Pledge, pledge.id), keep_form=form, status=422)


@bp.post("/<reference>/hoan-tien")
@roles_required(*overpaid.TREASURY)
def refund(reference: str):
    """Propose refunding the excess; the ledger moves when someone else approves."""
    pledge = overpaid.get(current_user, reference)
    form = RefundForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            try:
                amount = parse_amount(form.amount.data)
            except MoneyError as err:
                raise DomainError(str(err), field="amount") from None
            decision = overpaid.propose_refund(
                current_user,
                pledge,
                amount=amount,
                bank_reference=form.bank_reference.data,
                reason=form.reason.data,
            )
        if done:
            flash(
                _(
                    "Đã gửi đề xuất hoàn tiền %(id)s; tiền chỉ ra khỏi quỹ khi một người khác duyệt.",
                    id=decision.proposal.public_id,
                ),
                "success",
            )
            return redirect(url_for("approvals.detail", public_id=decision.proposal.public_id))
    return _detail(db.session.get(Pledge, pledge.id), refund_form=form, status=422)
