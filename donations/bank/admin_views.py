"""Back office: bank transactions and the review queue, statement import."""

from __future__ import annotations

import os
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import (
    roles_required,
)
from app.errors import DomainError
from app.extensions import db
from app.formtools import form_status, show_error
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus
from donations.bank import importing, review, suggestions
from donations.bank.forms import AssignForm, ConfirmImportForm, DismissForm, StatementUploadForm
from donations.bank.models import BankTransaction, StatementImport, TxStatus

bp = Blueprint("bank_admin", __name__, url_prefix="/quan-tri/ung-ho")
READERS = ("admin", "treasurer", "auditor")
TREASURY = ("admin", "treasurer")
nav.register(_l("Giao dịch ngân hàng"), "bank_admin.transactions", READERS, order=30)
nav.register(_l("Nhập sao kê"), "bank_admin.statement_upload", TREASURY, order=32)

TABS = {
    "review": (_l("Chờ xử lý"), [TxStatus.review]),
    "matched": (_l("Đã ghi nhận"), [TxStatus.matched, TxStatus.assigned]),
    "other": (_l("Không tính"), [TxStatus.ignored, TxStatus.duplicate, TxStatus.not_donation]),
    "all": (_l("Tất cả"), list(TxStatus)),
}
TX_LABELS = {
    TxStatus.matched: _l("Đã khớp"),
    TxStatus.review: _l("Chờ xử lý"),
    TxStatus.assigned: _l("Đã gán"),
    TxStatus.not_donation: _l("Không phải ủng hộ"),
    TxStatus.ignored: _l("Không tính"),
    TxStatus.duplicate: _l("Trùng"),
}


def review_count() -> int:
    """Transfers waiting for a treasurer."""
    return db.session.execute(
        select(func.count()).where(BankTransaction.status == TxStatus.review)
    ).scalar_one()


def dashboard_card(user) -> dict | None:
    """The review queue on the treasurer's dashboard."""
    if user.role.value not in READERS:
        return None
    return {
        "title": _("Giao dịch chờ xử lý"),
        "value": review_count(),
        "url": url_for("bank_admin.transactions"),
    }


@bp.route("/giao-dich")
@roles_required(*READERS)
def transactions():
    """Bank transactions by tab (the review queue first), searchable, paginated."""
    tab = request.args.get("tab", "review")
    if tab not in TABS:
        tab = "review"
    q = request.args.get("q", "").strip()
    stmt = (
        select(BankTransaction)
        .where(BankTransaction.status.in_(TABS[tab][1]))
        .options(selectinload(BankTransaction.pledge))  # one query for the page, not per row
    )
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                BankTransaction.memo.ilike(like),
                BankTransaction.provider_id.ilike(like),
                BankTransaction.bank_reference.ilike(like),
            )
        )
    stmt = stmt.order_by(BankTransaction.occurred_at.desc(), BankTransaction.id.desc())
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render_template(
        "donations/bank/admin/transactions.html",
        page=page,
        tab=tab,
        tabs=TABS,
        q=q,
        labels=TX_LABELS,
        waiting=review_count(),
    )


def _campaign_choices() -> list[tuple[int | None, str]]:
    # New money goes only where gifts are still taken: published campaigns (the general fund
    # is the default); a closed campaign's balance is settled by reallocation, not topped up.
    # The general fund is the default choice: it is not offered a second time by its title.
    rows = db.session.execute(
        select(Campaign)
        .where(Campaign.status == CampaignStatus.published, Campaign.slug != GENERAL_FUND_SLUG)
        .order_by(Campaign.title)
    ).scalars()
    return [(None, _("— Quỹ chung (mặc định) —"))] + [(c.id, c.title) for c in rows]


def _accepted_choices() -> list[tuple[int | None, str]]:
    """What a posted form may name: the choices shown, and the general fund by its id."""
    general = review.general_fund()
    extra = [(general.id, general.title)] if general is not None else []
    return _campaign_choices() + extra


def _tx_or_404(tx_id: int) -> BankTransaction:
    tx = db.session.get(BankTransaction, tx_id)
    if tx is None:
        abort(404)
    return tx


@bp.route("/giao-dich/<int:tx_id>")
@roles_required(*READERS)
def transaction(tx_id: int):
    """One transaction with its raw payload; the forms that settle it when it waits."""
    tx = _tx_or_404(tx_id)
    assign_form, dismiss_form = AssignForm(prefix="a"), DismissForm(prefix="d")
    assign_form.campaign_id.choices = _campaign_choices()
    if tx.pledge and not assign_form.pledge_reference.data:
        assign_form.pledge_reference.data = tx.pledge.reference
    return render_template(
        "donations/bank/admin/transaction.html",
        tx=tx,
        labels=TX_LABELS,
        assign_form=assign_form,
        dismiss_form=dismiss_form,
        **suggestions.review_context(tx, _campaign_choices()),
    )


@bp.post("/giao-dich/<int:tx_id>/gan")
@roles_required(*TREASURY)
def assign(tx_id: int):
    """Count a waiting transfer as a donation to a pledge or campaign."""
    form = AssignForm(prefix="a")
    form.campaign_id.choices = _accepted_choices()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            tx = review.load_for_update(tx_id)
            campaign = (
                db.session.get(Campaign, form.campaign_id.data) if form.campaign_id.data else None
            )
            review.assign(
                current_user,
                tx,
                pledge_reference=form.pledge_reference.data or "",
                campaign=campaign,
            )
        if done:
            flash(_("Đã ghi nhận giao dịch thành khoản ủng hộ."), "success")
            return redirect(url_for("bank_admin.transactions"))
    form.campaign_id.choices = _campaign_choices()
    tx = _tx_or_404(tx_id)
    return render_template(
        "donations/bank/admin/transaction.html",
        tx=tx,
        labels=TX_LABELS,
        assign_form=form,
        dismiss_form=DismissForm(prefix="d", formdata=None),
    ), 422


@bp.post("/giao-dich/<int:tx_id>/khong-phai-ung-ho")
@roles_required(*TREASURY)
def dismiss(tx_id: int):
    """Set a waiting transfer aside as not a donation, with a reason."""
    form = DismissForm(prefix="d")
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            tx = review.load_for_update(tx_id)
            review.dismiss(current_user, tx, reason=form.reason.data)
        if done:
            flash(_("Đã đánh dấu giao dịch không phải khoản ủng hộ."), "success")
            return redirect(url_for("bank_admin.transactions"))
    tx = _tx_or_404(tx_id)
    assign_form = AssignForm(prefix="a", formdata=None)
    assign_form.campaign_id.choices = _campaign_choices()
    return render_template(
        "donations/bank/admin/transaction.html",
        tx=tx,
        labels=TX_LABELS,
        assign_form=assign_form,
        dismiss_form=form,
    ), 422


def _statement_dir() -> Path:
    folder = Path(current_app.config["PRIVATE_FOLDER"]) / "statements"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _import_report_page(form, report, token: str = "", status: int = 200):
    imports = db.session.execute(
        select(StatementImport).order_by(StatementImport.id.desc()).limit(10)
    ).scalars()
    return render_template(
        "donations/bank/admin/statement.html",
        form=form,
        report=report,
        confirm=ConfirmImportForm(
            formdata=None, token=token, filename=report.filename if report else ""
        ),
        imports=list(imports),
    ), status


@bp.route("/sao-ke", methods=["GET", "POST"])
@roles_required(*TREASURY)
def statement_upload():
    """Upload a statement and see what importing it would do (nothing is saved yet)."""
    form = StatementUploadForm()
    if not form.validate_on_submit():
        return _import_report_page(form, None, status=form_status(form))
    upload = form.file.data
    filename = os.path.basename(upload.filename or "sao-ke.csv")
    ext = os.path.splitext(filename)[1].lower()
    tmp = _statement_dir() / f"upload-{os.getpid()}-{id(upload)}{ext}"
    upload.save(tmp)
    token = importing.file_sha256(tmp)
    stored = _statement_dir() / f"{token}{ext}"
    os.replace(tmp, stored)
    try:
        report = importing.import_statement(stored, filename, actor=current_user, dry_run=True)
    except DomainError as err:
        show_error(form, err)
        return _import_report_page(form, None, status=422)
    finally:
        uow.rollback()  # a preview is no unit of work: it never keeps anything
    return _import_report_page(form, report, token=f"{token}{ext}")


@bp.post("/sao-ke/xac-nhan")
@roles_required(*TREASURY)
def statement_confirm():
    """Import the previewed file for real, committing chunk by chunk."""
    form = ConfirmImportForm()
    upload_form = StatementUploadForm(formdata=None)
    token = (form.token.data or "").strip()
    name, ext = os.path.splitext(token)
    if not form.validate_on_submit() or ext not in (".csv", ".xlsx") or not name.isalnum():
        flash(_("Phiên xem trước đã hết hạn. Vui lòng tải tệp lên lại."), "error")
        return redirect(url_for("bank_admin.statement_upload"))
    path = _statement_dir() / token
    if not path.exists():
        flash(_("Không còn tệp đã xem trước. Vui lòng tải tệp lên lại."), "error")
        return redirect(url_for("bank_admin.statement_upload"))
    with uow.attempt(upload_form) as done:
        report = importing.import_statement(
            path, form.filename.data, actor=current_user, checkpoint=uow.checkpoint
        )
    if not done:
        return _import_report_page(upload_form, None, status=422)
    flash(
        _(
            "Đã nhập %(n)s giao dịch mới (%(m)s khớp tự động, %(r)s chờ xử lý).",
            n=report.added,
            m=report.matched,
            r=report.to_review,
        ),
        "success",
    )
    return _import_report_page(upload_form, report)
