"""Back office: bank transactions and the review queue, statement import."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
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
from app.extensions import db
from app.formtools import form_status
from campaigns.models import GENERAL_FUND_SLUG, Campaign, CampaignStatus
from donations.bank import review, suggestions, uploads
from donations.bank.forms import AssignForm, DismissForm, ResumeImportForm, StatementUploadForm
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


def _twins_of(tx: BankTransaction) -> dict:
    """The reports shown beside this one: the row it may duplicate, the rows that may
    duplicate it, and the reports kept as evidence of the same transfer."""
    maybe_mine = db.session.execute(
        select(BankTransaction)
        .where(
            BankTransaction.maybe_twin_of_id == tx.id,
            BankTransaction.status == TxStatus.review,
        )
        .order_by(BankTransaction.id)
    ).scalars()
    evidence = db.session.execute(
        select(BankTransaction)
        .where(BankTransaction.twin_of_id == tx.id)
        .order_by(BankTransaction.id)
    ).scalars()
    return {"maybe_twins": list(maybe_mine), "evidence": list(evidence)}


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
        **_twins_of(tx),
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
        **_twins_of(tx),
    ), 422


@bp.post("/giao-dich/<int:tx_id>/cung-giao-dich")
@roles_required(*TREASURY)
def same_transfer(tx_id: int):
    """A waiting report is another channel's report of a transfer already received."""
    with uow.attempt() as done:
        review.same_transfer(
            current_user, review.load_for_update(tx_id), request.form.get("other_id", type=int)
        )
    if done:
        flash(_("Đã ghi nhận là cùng một giao dịch: không tính lần nữa."), "success")
        return redirect(url_for("bank_admin.transactions"))
    return redirect(url_for("bank_admin.transaction", tx_id=tx_id))


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
        **_twins_of(tx),
    ), 422


def _imports_page(form, status: int = 200):
    imports = db.session.execute(
        select(StatementImport).order_by(StatementImport.id.desc()).limit(10)
    ).scalars()
    return render_template(
        "donations/bank/admin/statement.html",
        form=form,
        imports=list(imports),
        import_labels=IMPORT_LABELS,
    ), status


@bp.route("/sao-ke", methods=["GET", "POST"])
@roles_required(*TREASURY)
def statement_upload():
    """Upload a statement: it is checked, stored and imported on the job queue."""
    form = StatementUploadForm()
    if not form.validate_on_submit():
        return _imports_page(form, status=form_status(form))
    upload = form.file.data
    with uow.attempt(form) as done:
        record, queued = uploads.accept_upload(upload.stream, upload.filename or "", current_user)
    if not done:
        return _imports_page(form, status=form_status(form) if form.errors else 422)
    if not queued:
        flash(_("Tệp này đang được nhập: xem tiến độ bên dưới."), "info")
    return redirect(url_for("bank_admin.statement_import", import_id=record.id))


def _import_or_404(import_id: int) -> StatementImport:
    record = db.session.get(StatementImport, import_id)
    if record is None:
        abort(404)
    return record


def progress_data(record: StatementImport) -> dict:
    """What the progress bar shows (also the JSON the page polls)."""
    read = record.rows + record.skipped
    # The count made before parsing includes headers and blank lines: once done, it is `read`.
    total = read if record.status == uploads.DONE else max(record.rows_expected, read, 1)
    finished = record.status in (uploads.DONE, uploads.FAILED)
    return {
        "status": record.status,
        "status_label": str(IMPORT_LABELS.get(record.status, record.status)),
        "read": read,
        "total": total,
        "percent": 100 if record.status == uploads.DONE else min(99, read * 100 // total),
        "rows": record.rows,
        "matched": record.matched,
        "to_review": record.to_review,
        "duplicates": record.duplicates,
        "skipped": record.skipped,
        "finished": finished,
        "error": record.error,
    }


IMPORT_LABELS = {
    uploads.QUEUED: _l("Đang chờ xử lý"),
    uploads.RUNNING: _l("Đang nhập"),
    uploads.DONE: _l("Đã nhập xong"),
    uploads.FAILED: _l("Không nhập được"),
}


@bp.route("/sao-ke/<int:import_id>")
@roles_required(*READERS)
def statement_import(import_id: int):
    """One import and its progress (the page polls; without JavaScript it refreshes)."""
    record = _import_or_404(import_id)
    return render_template(
        "donations/bank/admin/statement_import.html",
        record=record,
        data=progress_data(record),
        resume=ResumeImportForm(),
    )


@bp.route("/sao-ke/<int:import_id>/tien-do")
@roles_required(*READERS)
def statement_progress(import_id: int):
    """The progress as JSON, polled by static/js/import_progress.js."""
    return jsonify(progress_data(_import_or_404(import_id)))


@bp.post("/sao-ke/<int:import_id>/chay-tiep")
@roles_required(*TREASURY)
def statement_resume(import_id: int):
    """Queue a stopped import again: it carries on from its last committed chunk."""
    _import_or_404(import_id)
    form = ResumeImportForm()
    if form.validate_on_submit():
        with uow.attempt() as done:
            uploads.resume_stalled(import_id)
        if done:
            flash(_("Đã xếp hàng nhập tiếp."), "success")
    return redirect(url_for("bank_admin.statement_import", import_id=import_id))
