"""Back office: proposals of money going out, and the decision of a second person."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import nav, uow
from app.approvals import kinds
from app.approvals import services as svc
from app.approvals.forms import ApproveForm, RefuseForm
from app.approvals.models import PROPOSAL_LABELS, ProposalStatus
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import form_status

bp = Blueprint("approvals", __name__, url_prefix="/quan-tri/de-xuat")
nav.register(_l("Đề xuất chi"), "approvals.index", svc.READERS, order=35)
PER_PAGE = 30


def dashboard_card(user) -> dict | None:
    """Proposals waiting for this approver's decision."""
    if user.role.value not in svc.APPROVERS:
        return None
    return {
        "title": _("Đề xuất chi chờ duyệt"),
        "value": svc.waiting_count(user),
        "url": url_for("approvals.index", status="proposed"),
    }


@bp.get("")
@roles_required(*svc.READERS)
def index():
    """Proposals in scope, by status (waiting first) and kind."""
    status = request.args.get("status", "proposed")
    kind = request.args.get("kind", "")
    page = db.paginate(
        svc.listing(current_user, status=status, kind=kind), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "approvals/index.html",
        page=page,
        status=status if status in ProposalStatus.__members__ else "",
        kind=kind if kind in kinds.KINDS else "",
        statuses=PROPOSAL_LABELS,
        kinds=kinds.KINDS,
    )


def _page(proposal, approve_form=None, refuse_form=None, status: int = 200):
    return render_template(
        "approvals/detail.html",
        proposal=proposal,
        kind=kinds.get(proposal.kind),
        approve_form=approve_form or ApproveForm(formdata=None),
        refuse_form=refuse_form or RefuseForm(formdata=None),
        may_decide=current_user.role.value in svc.APPROVERS
        and proposal.proposed_by_id != current_user.id,
    ), status


@bp.get("/<public_id>")
@roles_required(*svc.READERS)
def detail(public_id: str):
    """One proposal, what it will post, and the decision forms."""
    return _page(svc.get(current_user, public_id))


@bp.post("/<public_id>/duyet")
@roles_required(*svc.APPROVERS)
def approve(public_id: str):
    """Approve: the ledger moves now."""
    svc.get(current_user, public_id)  # outside the user's scope: 403/404, not a message
    form = ApproveForm()
    with uow.attempt(form) as done:
        if form.validate():
            svc.approve(current_user, public_id, form.note.data or "")
    if done and not form.errors:
        flash(_("Đã duyệt đề xuất %(id)s và ghi sổ cái.", id=public_id.upper()), "success")
        return redirect(url_for("approvals.detail", public_id=public_id.upper()))
    return _page(svc.get(current_user, public_id), approve_form=form, status=422)


@bp.post("/<public_id>/tu-choi")
@roles_required(*svc.APPROVERS)
def refuse(public_id: str):
    """Refuse, with a reason."""
    svc.get(current_user, public_id)
    form = RefuseForm()
    with uow.attempt(form) as done:
        if form.validate():
            svc.refuse(current_user, public_id, form.note.data or "")
    if done and not form.errors:
        flash(_("Đã từ chối đề xuất %(id)s.", id=public_id.upper()), "success")
        return redirect(url_for("approvals.detail", public_id=public_id.upper()))
    return _page(svc.get(current_user, public_id), refuse_form=form, status=form_status(form))


@bp.post("/<public_id>/huy")
@roles_required(*svc.PROPOSERS)
def cancel(public_id: str):
    """The proposer withdraws a proposal still waiting."""
    svc.get(current_user, public_id)
    with uow.attempt() as done:
        svc.cancel(current_user, public_id)
    if done:
        flash(_("Đã huỷ đề xuất %(id)s.", id=public_id.upper()), "success")
    return redirect(url_for("approvals.detail", public_id=public_id.upper()))
