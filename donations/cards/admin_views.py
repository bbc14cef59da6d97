"""Back office: card payments (sessions, paid gifts and invoices, refunds, disputes) and the
refunds that wait for their campaign to have the money again (thin views)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import nav, uow
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import page_number
from app.labels import ENTRY_KINDS
from donations.cards import fees, reversals
from donations.cards.models import CardCheckout, CardGift, CardReversal, CheckoutStatus
from donations.models import Donation
from donations.pledges.models import Pledge

bp = Blueprint("cards_admin", __name__, url_prefix="/quan-tri/ung-ho/the")
READERS = ("admin", "treasurer", "auditor")
TREASURY = ("admin", "treasurer")
PER_PAGE = 30

VIEWS = {
    "payments": _l("Khoản đã thanh toán"),
    "sessions": _l("Phiên thanh toán"),
    "reversals": _l("Hoàn tiền và khiếu nại"),
}
REVERSAL_KINDS = {kind: ENTRY_KINDS[kind] for kind in ("refund", "chargeback")}
REVERSAL_STATUSES = {
    "posted": _l("Đã ghi sổ"),
    "blocked": _l("Chờ số dư"),
    "won": _l("Thắng khiếu nại"),
}
nav.register(_l("Thanh toán thẻ"), "cards_admin.index", READERS, order=34)

PAYMENT_KINDS = {"one_time": _l("Một lần"), "invoice": _l("Hằng tháng (hóa đơn)")}


class PostBlockedForm(FlaskForm):
    """Only the CSRF token: the button posts a blocked refund (or all of them)."""


def _search(stmt, q: str, *columns):
    if not q:
        return stmt
    like = f"%{q}%"
    return stmt.where(or_(*(column.ilike(like) for column in columns)))


def _sessions(status: str, q: str):
    stmt = (
        select(CardCheckout)
        .join(Pledge, CardCheckout.pledge_id == Pledge.id)
        .options(selectinload(CardCheckout.pledge))
        .order_by(CardCheckout.created_at.desc(), CardCheckout.id.desc())
    )
    if status in CheckoutStatus.__members__:
        stmt = stmt.where(CardCheckout.status == CheckoutStatus(status))
    return _search(
        stmt,
        q,
        Pledge.reference,
        CardCheckout.email,
        CardCheckout.session_id,
        CardCheckout.client_ip,
    )


def _payments(kind: str, q: str):
    stmt = (
        select(CardGift)
        .join(Donation, CardGift.donation_id == Donation.id)
        .outerjoin(Pledge, Donation.pledge_id == Pledge.id)
        .options(*reversals.DONATION_ROW)
        .order_by(Donation.received_at.desc(), CardGift.id.desc())
    )
    if kind == "invoice":
        stmt = stmt.where(CardGift.invoice_id.is_not(None))
    elif kind == "one_time":
        stmt = stmt.where(CardGift.invoice_id.is_(None))
    return _search(
        stmt,
        q,
        Pledge.reference,
        Pledge.email,
        CardGift.payment_intent_id,
        CardGift.invoice_id,
        CardGift.charge_id,
    )


def _reversals(kind: str, status: str, q: str):
    stmt = (
        select(CardReversal)
        .join(CardGift, CardReversal.gift_id == CardGift.id)
        .join(Donation, CardGift.donation_id == Donation.id)
        .outerjoin(Pledge, Donation.pledge_id == Pledge.id)
        .options(*reversals.REVERSAL_ROW)
        .order_by(CardReversal.created_at.desc(), CardReversal.id.desc())
    )
    if kind in REVERSAL_KINDS:
        stmt = stmt.where(CardReversal.kind == kind)
    if status in REVERSAL_STATUSES:
        stmt = stmt.where(CardReversal.status == status)
    return _search(stmt, q, Pledge.reference, CardReversal.stripe_id, CardGift.payment_intent_id)


@bp.get("")
@roles_required(*READERS)
def index():
    """The card payments, one list at a time, with filters, and the blocked refunds."""
    view = request.args.get("view", "payments")
    if view not in VIEWS:
        view = "payments"
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    kind = request.args.get("kind", "")
    if view == "sessions":
        stmt = _sessions(status, q)
    elif view == "reversals":
        stmt = _reversals(kind, status, q)
    else:
        stmt = _payments(kind, q)
    page = db.paginate(stmt, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "donations/cards/admin/cards.html",
        view=view,
        views=VIEWS,
        page=page,
        q=q,
        status=status,
        kind=kind,
        checkout_statuses=list(CheckoutStatus),
        reversal_kinds=REVERSAL_KINDS,
        reversal_statuses=REVERSAL_STATUSES,
        payment_kinds=PAYMENT_KINDS,
        blocked=reversals.blocked_reversals(),
        fees_waiting=len(fees.waiting_gifts()),
        wait_reasons=fees.WAIT_REASONS,
        form=PostBlockedForm(),
        can_post=current_user.role.value in TREASURY,
    )


def _post(ids: list[int] | None):
    form = PostBlockedForm()
    if not form.validate_on_submit():
        flash(_l("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "error")
        return redirect(url_for("cards_admin.index"))
    with uow.attempt() as done:
        result = reversals.post_blocked(current_user, ids)
    if not done:
        return redirect(url_for("cards_admin.index"))
    if result.posted:
        flash(_l("Đã ghi sổ %(n)s khoản.", n=result.posted), "success")
    if result.waiting:
        flash(
            _l(
                "Còn %(n)s khoản chờ: chiến dịch chưa đủ số dư. Hãy điều chuyển tiền vào "
                "chiến dịch rồi thử lại.",
                n=result.waiting,
            ),
            "warning",
        )
    return redirect(url_for("cards_admin.index"))


@bp.post("/cho-ghi-so/<int:reversal_id>")
@roles_required(*TREASURY)
def post_one(reversal_id: int):
    """Post one blocked refund or chargeback now that its campaign has the funds."""
    return _post([reversal_id])


@bp.post("/cho-ghi-so")
@roles_required(*TREASURY)
def post_all():
    """Post every blocked refund and chargeback whose campaign has the funds."""
    return _post(None)


@bp.post("/lay-phi")
@roles_required(*TREASURY)
def fetch_fees():
    """Ask Stripe for the fees (and fees given back) not posted yet, and post them."""
    form = PostBlockedForm()
    if not form.validate_on_submit():
        flash(_l("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "error")
        return redirect(url_for("cards_admin.index"))
    with uow.attempt() as done:
        posted, returned = fees.fetch_waiting(current_user)
    if done:
        flash(
            _l(
                "Đã ghi %(fees)s khoản phí và %(returns)s khoản hoàn phí.",
                fees=posted,
                returns=returned,
            ),
            "success",
        )
    return redirect(url_for("cards_admin.index"))
