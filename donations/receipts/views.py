"""Public pages: a receipt downloaded again, its public check page, and "my gifts"."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import uow
from app.errors import DomainError
from app.extensions import db, limiter
from app.formtools import form_status, page_number
from donations.cards.models import CardReversal
from donations.pledges.views import pledge_url
from donations.receipts import annual
from donations.receipts import my_gifts as gifts_service
from donations.receipts.forms import MyGiftsForm
from donations.receipts.pdf import render_pdf
from donations.receipts.services import receipt_context, receipt_from_token

bp = Blueprint("receipts", __name__)


def _email_key() -> str:
    return "my-gifts:" + (request.form.get("email") or "").strip().lower()


@bp.get("/bien-nhan/<token>.pdf")
def receipt_pdf(token: str):
    """Download a receipt again (the signed link from the e-mail or the 'my gifts' page)."""

    receipt = receipt_from_token(token, "download")
    if receipt is None:
        abort(404)
    response = send_file(
        BytesIO(render_pdf(receipt)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"bien-nhan-{receipt.number}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/bien-nhan/kiem-tra/<token>")
def receipt_check(token: str):
    """Public check of a receipt (its QR points here): amount, campaign, ledger entry."""
    receipt = receipt_from_token(token, "check")
    if receipt is None:
        abort(404)
    pledge = receipt.donation.pledge
    public_name = pledge.public_name if pledge is not None and pledge.show_on_wall else ""
    reversals = (
        db.session.execute(
            select(CardReversal).where(CardReversal.gift.has(donation_id=receipt.donation_id))
        )
        .scalars()
        .all()
    )
    return render_template(
        "donations/receipts/receipt_check.html",
        public_name=public_name,
        reversals=reversals,
        **receipt_context(receipt),
    )


@bp.route("/qua-cua-toi", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MY_GIFTS_LIMIT_PER_IP"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["MY_GIFTS_LIMIT_PER_EMAIL"], key_func=_email_key, methods=["POST"]
)
def my_gifts():
    """Ask for a signed link to one's gifts by e-mail."""
    form = MyGiftsForm()
    if form.validate_on_submit():
        with uow.attempt(form) as done:
            gifts_service.request_link(form.email.data or "")
        if done:
            flash(
                _l(
                    "Nếu e-mail này đã dùng để ủng hộ, bạn sẽ nhận được đường dẫn trong vài phút. "
                    "Hãy kiểm tra cả hộp thư rác."
                ),
                "success",
            )
            return redirect(url_for("receipts.my_gifts", sent=1))
    return render_template(
        "donations/receipts/my_gifts_request.html", form=form, hours=gifts_service.link_hours()
    ), form_status(form)


@bp.get("/qua-cua-toi/<token>")
def my_gifts_list(token: str):
    """The donor's pledges, gifts and receipts, for as long as the link is valid."""
    try:
        email = gifts_service.email_from_token(token)
    except DomainError as err:
        form = MyGiftsForm()
        return render_template(
            "donations/receipts/my_gifts_request.html",
            form=form,
            link_error=err.message,
            hours=gifts_service.link_hours(),
        ), err.status_code
    page, views = gifts_service.gifts_for(email, page_number())
    count, total = gifts_service.totals_for(email)
    response = current_app.make_response(
        render_template(
            "donations/receipts/my_gifts_list.html",
            email=email,
            page=page,
            views=views,
            count=count,
            total=total,
            token=token,
            pledge_url=pledge_url,
            annual_choices=annual.annual_choices(email),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/qua-cua-toi/<token>/tong-hop-<int:year>-<tax_code>.pdf")
def annual_receipt(token: str, year: int, tax_code: str):
    """A business's consolidated receipt of one year, from the donor's own link."""
    try:
        email = gifts_service.email_from_token(token)
    except DomainError:
        abort(404)
    receipts = annual.annual_receipts(email, year, tax_code)
    if not receipts:
        abort(404)
    response = send_file(
        BytesIO(annual.render_annual_pdf(receipts, year)),
        mimetype="application/pdf",
        download_name=f"bien-nhan-tong-hop-{year}-{tax_code}.pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
