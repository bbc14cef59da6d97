"""Public pages for card gifts and the Stripe webhook (thin views)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import uow
from app.errors import DomainError
from app.extensions import client_ip, csrf, db, limiter
from donations.cards.checkout import start_checkout
from donations.cards.forms import CardForm
from donations.cards.models import CardCheckout, CheckoutStatus
from donations.cards.payments import RetryLater
from donations.cards.webhook import BadWebhook, process_event, verify_and_parse
from donations.pledges.models import Pledge, PledgeStatus
from donations.pledges.views import pledge_url

bp = Blueprint("cards", __name__)


def _pledge_or_404(reference: str) -> Pledge:
    pledge = db.session.execute(
        select(Pledge).where(Pledge.reference == reference.strip().upper())
    ).scalar_one_or_none()
    if pledge is None:
        abort(404)
    return pledge


@bp.post("/ung-ho/p/<reference>/the")
@limiter.limit(lambda: current_app.config["CARD_LIMIT_PER_IP"])
@uow.transactional
def start_card(reference: str):
    """Send the donor to Stripe Checkout (refused bursts never reach Stripe)."""
    pledge = _pledge_or_404(reference)
    form = CardForm()
    if not form.validate_on_submit():
        # Honeypot filled or token missing: a bot, or a stale page.
        return render_template(
            "donations/cards/card_error.html",
            pledge=pledge,
            back=pledge_url(pledge),
            message=_l("Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại."),
        ), 400
    site = current_app.config["SITE_URL"].rstrip("/")
    success = site + url_for("cards.card_return") + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = site + url_for("cards.card_cancel", reference=pledge.reference)
    try:
        started = start_checkout(
            pledge,
            client_ip=client_ip(),
            success_url=success,
            cancel_url=cancel,
            locale="en" if get_locale().language == "en" else "vi",
        )
    except DomainError as err:  # an error answer: @uow.transactional rolls back
        return render_template(
            "donations/cards/card_error.html",
            pledge=pledge,
            back=pledge_url(pledge),
            message=err.message,
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
        "donations/cards/card_return.html",
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
    return render_template(
        "donations/cards/card_cancel.html", pledge=pledge, back=pledge_url(pledge)
    )


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
        with uow.transaction():
            outcome = process_event(event)
    except IntegrityError:
        # A concurrent delivery of the same event or payment won the race; the retry will see it.
        return jsonify(
            error={"code": "conflict", "message": str(_l("Đang xử lý đồng thời, thử lại sau."))}
        ), 503
    except RetryLater as err:
        return jsonify(error={"code": "retry", "message": str(err.message)}), 503
    return jsonify(received=True, outcome=outcome)
