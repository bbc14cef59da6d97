"""Back office: corrections (reverse a mistaken entry, or a wrong assignment from a bank
transaction's page) and a ledger entry's page, where a reversal is proposed (thin views)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import page_number
from app.ledger.models import LedgerEntry
from donations.bank.models import BankTransaction
from donations.corrections import services
from donations.corrections.forms import ReverseForm
from donations.corrections.models import Correction

bp = Blueprint("corrections_admin", __name__)
READERS = ("admin", "treasurer", "auditor")
TREASURY = services.PROPOSERS
nav.register(_l("Điều chỉnh sổ cái"), "corrections_admin.index", READERS, order=36)


@bp.get("/quan-tri/ung-ho/dieu-chinh")
@roles_required(*READERS)
def index():
    """Corrections proposed and decided, and a way to open an entry by its number."""
    seq = request.args.get("seq", "").strip().lstrip("#")
    if seq:
        if seq.isdigit() and db.session.get(LedgerEntry, int(seq)) is not None:
            return redirect(url_for("corrections_admin.entry", seq=int(seq)))
        flash(_("Không có bút toán #%(seq)s.", seq=seq), "error")
    stmt = services.listing(current_user).options(
        selectinload(Correction.proposal), selectinload(Correction.entry)
    )
    page = db.paginate(stmt, page=page_number(), per_page=30, error_out=False)
    return render_template("donations/corrections/index.html", page=page, seq=seq)


def _entry_page(entry: LedgerEntry, form: ReverseForm, status: int = 200):
    donation = services.donation_of(entry)
    corrections = list(
        db.session.execute(
            select(Correction)
            .where(Correction.entry_seq == entry.seq)
            .options(selectinload(Correction.proposal))
            .order_by(Correction.id.desc())
        ).scalars()
    )
    return render_template(
        "donations/corrections/entry.html",
        entry=entry,
        reversed_by=services.reversed_by(entry.seq),
        reverses=db.session.get(LedgerEntry, entry.reverses_seq) if entry.reverses_seq else None,
        donation=donation,
        transfer=services.counted_transfer(donation),
        corrections=corrections,
        waiting=services.pending_for(entry.seq),
        form=form,
        may_propose=current_user.role.value in TREASURY,
    ), status


@bp.get("/quan-tri/so-cai/<int:seq>")
@roles_required(*READERS)
def entry(seq: int):
    """One ledger entry, what it recorded, and the reversal form."""
    found = db.session.get(LedgerEntry, seq)
    if found is None:
        abort(404)
    return _entry_page(found, ReverseForm(formdata=None))


@bp.post("/quan-tri/so-cai/<int:seq>/dao")
@roles_required(*TREASURY)
def propose(seq: int):
    """Propose reversing the entry; a second person approves it on the proposal's page."""
    found = db.session.get(LedgerEntry, seq)
    if found is None:
        abort(404)
    form = ReverseForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            correction = services.propose_reversal(current_user, seq, form.reason.data)
        if done:
            flash(
                _(
                    "Đã gửi đề xuất %(id)s; bút toán chỉ được đảo khi một người khác duyệt.",
                    id=correction.proposal.public_id,
                ),
                "success",
            )
            return redirect(url_for("approvals.detail", public_id=correction.proposal.public_id))
    # A refusal: on its field, or flashed above the form (already reversed, signed for…).
    return _entry_page(db.session.get(LedgerEntry, seq), form, 422)


@bp.post("/quan-tri/ung-ho/giao-dich/<int:tx_id>/dao-ghi-nhan")
@roles_required(*TREASURY)
def propose_for_transfer(tx_id: int):
    """From a bank transaction's page: propose taking back the gift it was counted as."""
    tx = db.session.get(BankTransaction, tx_id)
    if tx is None:
        abort(404)
    back = redirect(url_for("bank_admin.transaction", tx_id=tx_id))
    if tx.donation is None or tx.donation.ledger_seq is None:
        flash(_("Giao dịch này chưa được ghi nhận thành khoản ủng hộ nào."), "error")
        return back
    form = ReverseForm(prefix="c")
    if not form.validate_on_submit():
        flash(_("Vui lòng ghi rõ lý do đảo ghi nhận."), "error")
        return back
    with uow.attempt() as done:
        correction = services.propose_reversal(
            current_user, tx.donation.ledger_seq, form.reason.data
        )
    if not done:
        return back
    flash(
        _(
            "Đã gửi đề xuất %(id)s; giao dịch trở lại hàng chờ khi một người khác duyệt.",
            id=correction.proposal.public_id,
        ),
        "success",
    )
    return redirect(url_for("approvals.detail", public_id=correction.proposal.public_id))


def dashboard_card(user) -> dict | None:
    """Overpaid pledges waiting for the treasurer."""
    from donations.corrections import overpaid

    if user.role.value not in READERS:
        return None
    return {
        "title": _("Chuyển thừa, chuyển trùng chờ xử lý"),
        "value": overpaid.queue_count(),
        "url": url_for("overpaid_admin.index"),
    }
