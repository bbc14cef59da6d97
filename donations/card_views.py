"""Public pages for card gifts, the Stripe webhook, receipts and "my gifts" (thin views)."""

from __future__ import annotations

from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import Length

from app import uow
from app.errors import DomainError
from app.extensions import client_ip, csrf, db, limiter
from app.formtools import form_status, page_number, show_error
from donations import my_gifts as gifts_service
from donations.models import Pledge, PledgeStatus
from donations.models_cards import CardCheckout, CardReversal, CheckoutStatus
from donations.receipts import receipt_context, receipt_from_token
from donations.stripe_checkout import start_checkout
from donations.stripe_payments import RetryLater
from donations.stripe_webhook import BadWebhook, process_event, verify_and_parse

bp = Blueprint("donations_cards", __name__)

# Where the pledge page lives; the first endpoint that exists is used.
PLEDGE_ENDPOINTS = ("donations.pledge", "donations.pledge_page", "donations.show_pledge")


class CardForm(FlaskForm):
    """The card button: only a CSRF token and a honeypot that people never see."""

    website = StringField(_l("Để trống ô này"), validators=[Length(max=0)])


class MyGiftsForm(FlaskForm):
    """Ask for the 'my gifts' link."""

    email = EmailField(_l("E-mail bạn đã dùng khi ủng hộ"), validators=[Length(max=254)])
    website = StringField(_l("Để trống ô này"), validators=[Length(max=0)])
    next = HiddenField()


def pledge_url(pledge: Pledge) -> str:
    """The pledge's own page (owned by the donation form), or the home page."""
    for endpoint in PLEDGE_ENDPOINTS:
        try:
            return url_for(endpoint, reference=pledge.reference)
        except BuildError:
            continue
    return url_for("web.home")


def _pledge_or_404(reference: str) -> Pledge:
    pledge = db.session.execute(
        select(Pledge).where(Pledge.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if pledge is None:
        abort(404)
    return pledge


def _email_key() -> str:
    return "my-gifts:" + (request.form.get("email") or "").strip().lower()


@bp.post("/ung-ho/p/<reference>/the")
@limiter.limit(lambda: current_app.config["CARD_LIMIT_PER_IP"])
def start_card(reference: str):
    """Send the donor to Stripe Checkout (refused bursts never reach Stripe)."""
    pledge = _pledge_or_404(reference)
    form = CardForm()
    if not form.validate_on_submit():
        # Honeypot filled or token missing: a bot, or a stale page.
        return render_template(
            "donations/card_error.html",
            pledge=pledge,
            back=pledge_url(pledge),
            message=_l("Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại."),
        ), 400
    site = current_app.config["SITE_URL"].rstrip("/")
    success = site + url_for("donations_cards.card_return") + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = site + url_for("donations_cards.card_cancel", reference=pledge.reference)
    try:
        started = start_checkout(
            pledge,
            client_ip=client_ip(),
            success_url=success,
            cancel_url=cancel,
            locale="en" if get_locale().language == "en" else "vi",
        )
        uow.commit()
    except DomainError as err:
        uow.rollback()
        return render_template(
            "donations/card_error.html", pledge=pledge, back=pledge_url(pledge), message=err.message
        ), err.status_code
    return redirect(started.checkout.url, code=303)


def _checkout_state(checkout: CardCheckout) -> dict:
    pledge = checkout.pledge
    received = pledge.status in (PledgeStatus.paid, PledgeStatus.overpaid, PledgeStatus.partial)
    if checkout.status in (CheckoutStatus.failed, CheckoutStatus.expired):
        state = "failed"
    elif received or (checkout.status == CheckoutStatus.paid and checkout.mode == "payment"):
        state = "received"
    else:
        state = "waiting"
    return {"state": state, "status": checkout.status.value, "received": pledge.received}


@bp.get("/ung-ho/the/cam-on")
def card_return():
    """Where Stripe sends the donor back; it only waits for the webhook's confirmation."""
    session_id = request.args.get("session_id", "")
    checkout = db.session.execute(
        select(CardCheckout).where(CardCheckout.session_id == session_id)
    ).scalar_one_or_none()
    if checkout is None:
        abort(404)
    return render_template(
        "donations/card_return.html",
        checkout=checkout,
        pledge=checkout.pledge,
        back=pledge_url(checkout.pledge),
        state=_checkout_state(checkout),
    )


@bp.get("/ung-ho/the/trang-thai/<session_id>.json")
@limiter.exempt
def card_status(session_id: str):
    """Polled by the thank-you page until the webhook has confirmed the payment."""
    checkout = db.session.execute(
        select(CardCheckout).where(CardCheckout.session_id == session_id)
    ).scalar_one_or_none()
    if checkout is None:
        return jsonify(
            error={"code": "not_found", "message": str(_l("Không tìm thấy phiên thanh toán."))}
        ), 404
    return jsonify(_checkout_state(checkout))


@bp.get("/ung-ho/p/<reference>/the/huy")
def card_cancel(reference: str):
    """The donor left Checkout: nothing was charged; offer another try or a transfer."""
    pledge = _pledge_or_404(reference)
    return render_template("donations/card_cancel.html", pledge=pledge, back=pledge_url(pledge))


@bp.post("/webhooks/stripe")
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """Verify on the raw body, apply once, commit, then answer 2xx (5xx when a retry helps)."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET") or ""
    if not secret:
        return jsonify(
            error={"code": "unavailable", "message": str(_l("Stripe webhook chưa được cấu hình."))}
        ), 503
    try:
        event = verify_and_parse(
            request.get_data(cache=False), request.headers.get("Stripe-Signature"), secret
        )
    except BadWebhook as err:
        return jsonify(error={"code": "bad_request", "message": str(err.message)}), 400
    try:
        outcome = process_event(event)
        uow.commit()
    except IntegrityError:
        # A concurrent delivery of the same event or payment won the race; the retry will see it.
        uow.rollback()
        return jsonify(
            error={"code": "conflict", "message": str(_l("Đang xử lý đồng thời, thử lại sau."))}
        ), 503
    except RetryLater as err:
        uow.rollback()
        return jsonify(error={"code": "retry", "message": str(err.message)}), 503
    return jsonify(received=True, outcome=outcome)


@bp.get("/bien-nhan/<token>.pdf")
def receipt_pdf(token: str):
    """Download a receipt again (the signed link from the e-mail or the 'my gifts' page)."""
    from donations.receipt_pdf import render_pdf

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
        "donations/receipt_check.html",
        public_name=public_name,
        reversals=reversals,
        **receipt_context(receipt),
    )


@bp.route("/qua-cua-toi", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", methods=["POST"])
@limiter.limit("3 per hour", key_func=_email_key, methods=["POST"])
def my_gifts():
    """Ask for a signed link to one's gifts by e-mail."""
    form = MyGiftsForm()
    if form.validate_on_submit():
        try:
            gifts_service.request_link(form.email.data or "")
            uow.commit()
        except DomainError as err:
            uow.rollback()
            show_error(form, err)
        else:
            flash(
                _l(
                    "Nếu e-mail này đã dùng để ủng hộ, bạn sẽ nhận được đường dẫn trong vài phút. "
                    "Hãy kiểm tra cả hộp thư rác."
                ),
                "success",
            )
            return redirect(url_for("donations_cards.my_gifts", sent=1))
    return render_template(
        "donations/my_gifts_request.html", form=form, hours=gifts_service.link_hours()
    ), form_status(form)


@bp.get("/qua-cua-toi/<token>")
def my_gifts_list(token: str):
    """The donor's pledges, gifts and receipts, for as long as the link is valid."""
    try:
        email = gifts_service.email_from_token(token)
    except DomainError as err:
        form = MyGiftsForm()
        return render_template(
            "donations/my_gifts_request.html",
            form=form,
            link_error=err.message,
            hours=gifts_service.link_hours(),
        ), err.status_code
    page, views = gifts_service.gifts_for(email, page_number())
    count, total = gifts_service.totals_for(email)
    response = current_app.make_response(
        render_template(
            "donations/my_gifts_list.html",
            email=email,
            page=page,
            views=views,
            count=count,
            total=total,
            token=token,
            pledge_url=pledge_url,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
