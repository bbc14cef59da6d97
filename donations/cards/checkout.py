"""Starting a Stripe Checkout Session for a pledge, behind the card-testing controls.

Bots test stolen cards through donation forms as bursts of small charges. With Checkout they
must first come through here, so every control sits before the call to Stripe: the minimum
and maximum amounts, one open session per pledge, per-IP and per-e-mail bursts, and an IP
that keeps leaving failed or expired sessions. A refused request never reaches Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import stripe
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.dbtypes import utcnow
from app.errors import DomainError
from app.extensions import db
from app.money import format_vnd
from donations.cards.client import CURRENCY, STRIPE_MAX_AMOUNT, client, to_stripe_amount
from donations.cards.models import CardCheckout, CheckoutStatus
from donations.pledges.models import Pledge, PledgeStatus


class TooManyAttempts(DomainError):
    """A card-testing control refused the request."""

    status_code = 429


class PaymentGatewayError(DomainError):
    """Stripe could not be reached or refused the request; trying again may help."""

    status_code = 502


@dataclass(frozen=True)
class CheckoutStart:
    """What start_checkout did: the session to send the donor to, and whether it is new."""

    checkout: CardCheckout
    created: bool


def _count_since(*conditions) -> int:
    return db.session.execute(
        select(func.count()).select_from(CardCheckout).where(*conditions)
    ).scalar_one()


def check_amount(amount: int) -> None:
    """The fund's minimum and Stripe's 8-digit maximum, with what to do instead."""
    minimum = current_app.config["MIN_DONATION"]
    if amount < minimum:
        raise DomainError(
            _l("Số tiền ủng hộ qua thẻ tối thiểu là %(amount)s.", amount=format_vnd(minimum, "vi")),
            field="amount",
        )
    if amount > STRIPE_MAX_AMOUNT:
        raise DomainError(
            _l(
                "Thanh toán thẻ nhận tối đa %(amount)s mỗi lần. "
                "Khoản ủng hộ lớn hơn xin chuyển khoản ngân hàng qua mã VietQR.",
                amount=format_vnd(STRIPE_MAX_AMOUNT, "vi"),
            ),
            field="amount",
        )


def _check_bursts(pledge: Pledge, client_ip: str, now: datetime) -> None:
    cfg = current_app.config
    limit, seconds = cfg["CARD_BLOCK_AFTER_FAILURES"]
    failed = _count_since(
        CardCheckout.client_ip == client_ip,
        CardCheckout.status.in_([CheckoutStatus.failed, CheckoutStatus.expired]),
        CardCheckout.created_at >= now - timedelta(seconds=seconds),
    )
    if failed >= limit:
        raise TooManyAttempts(
            _l(
                "Có quá nhiều lần thanh toán thẻ không thành công từ địa chỉ này. "
                "Vui lòng thử lại sau hoặc chuyển khoản qua mã VietQR."
            )
        )
    limit, seconds = cfg["CARD_BURST_PER_IP"]
    if (
        _count_since(
            CardCheckout.client_ip == client_ip,
            CardCheckout.created_at >= now - timedelta(seconds=seconds),
        )
        >= limit
    ):
        raise TooManyAttempts(
            _l(
                "Bạn đã mở quá nhiều phiên thanh toán thẻ trong thời gian ngắn. "
                "Vui lòng đợi vài phút rồi thử lại."
            )
        )
    email = (pledge.email or "").strip().lower()
    limit, seconds = cfg["CARD_BURST_PER_EMAIL"]
    if (
        email
        and _count_since(
            CardCheckout.email == email,
            CardCheckout.created_at >= now - timedelta(seconds=seconds),
        )
        >= limit
    ):
        raise TooManyAttempts(
            _l(
                "Địa chỉ e-mail này đã mở quá nhiều phiên thanh toán thẻ. "
                "Vui lòng đợi vài phút rồi thử lại."
            )
        )


def open_checkout(pledge: Pledge, now: datetime | None = None) -> CardCheckout | None:
    """The pledge's session that the donor can still use, if any."""
    now = now or utcnow()
    return db.session.execute(
        select(CardCheckout)
        .where(
            CardCheckout.pledge_id == pledge.id,
            CardCheckout.status == CheckoutStatus.open,
            CardCheckout.expires_at > now + timedelta(minutes=2),
        )
        .order_by(CardCheckout.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _params(pledge: Pledge, expires: datetime, urls: dict[str, str], locale: str) -> dict:
    campaign = pledge.campaign
    metadata = {
        "pledge_id": str(pledge.id),
        "pledge_reference": pledge.reference,
        "campaign": campaign.slug,
    }
    price_data: dict = {
        "currency": CURRENCY,
        "unit_amount": to_stripe_amount(pledge.amount),
        "product_data": {"name": campaign.title[:250]},
    }
    params: dict = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "client_reference_id": str(pledge.id),
        "metadata": metadata,
        "success_url": urls["success"],
        "cancel_url": urls["cancel"],
        "expires_at": int(expires.timestamp()),
        "locale": locale,
    }
    if pledge.email:
        params["customer_email"] = pledge.email
    if pledge.monthly:
        price_data["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        # Invoices carry the subscription's metadata; the session's would be lost.
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        # Session metadata is not copied to the PaymentIntent: refunds and disputes need it.
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def start_checkout(
    pledge: Pledge,
    *,
    client_ip: str,
    success_url: str,
    cancel_url: str,
    locale: str = "vi",
) -> CheckoutStart:
    """Return the pledge's open session, or create one at Stripe; flushes, never commits.

    `success_url` must contain `{CHECKOUT_SESSION_ID}`; it only shows a waiting page: the
    webhook alone confirms a payment.
    """
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        raise DomainError(_l("Thanh toán thẻ hiện chưa được mở. Vui lòng chuyển khoản qua VietQR."))
    if pledge.status != PledgeStatus.pending:
        raise DomainError(
            _l("Cam kết này đã được ghi nhận hoặc đã hết hạn, không thể thanh toán lại.")
        )
    now = utcnow()
    if pledge.expires_at is not None and pledge.expires_at <= now:
        raise DomainError(_l("Cam kết này đã hết hạn. Vui lòng tạo cam kết ủng hộ mới."))
    if not pledge.campaign.accepts_gifts:
        raise DomainError(_l("Chiến dịch này không còn nhận ủng hộ."))
    check_amount(pledge.amount)

    existing = open_checkout(pledge, now)
    if existing is not None:
        return CheckoutStart(existing, created=False)
    _check_bursts(pledge, client_ip, now)

    minutes = int(current_app.config["CARD_SESSION_MINUTES"])
    expires = now + timedelta(minutes=max(30, min(minutes, 24 * 60)))
    attempt = _count_since(CardCheckout.pledge_id == pledge.id) + 1
    params = _params(pledge, expires, {"success": success_url, "cancel": cancel_url}, locale)
    try:
        session = client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]  # built as a plain dict for the tests to read
            options={"idempotency_key": f"thapsang-pledge-{pledge.id}-checkout-{attempt}"},
        )
    except stripe.StripeError as err:
        current_app.logger.warning("Stripe refused checkout for pledge %s: %s", pledge.id, err)
        raise PaymentGatewayError(
            _l(
                "Không mở được trang thanh toán thẻ lúc này. Vui lòng thử lại sau ít phút "
                "hoặc chuyển khoản qua mã VietQR."
            )
        ) from err
    data = session.to_dict()
    stripe_expiry = data.get("expires_at")
    checkout = CardCheckout(
        pledge_id=pledge.id,
        session_id=str(data["id"]),
        mode=params["mode"],
        amount=pledge.amount,
        currency=CURRENCY,
        url=str(data.get("url") or ""),
        client_ip=client_ip[:64],
        email=(pledge.email or "").strip().lower(),
        created_at=now,
        expires_at=(
            datetime.fromtimestamp(stripe_expiry, UTC)
            if isinstance(stripe_expiry, int)
            else expires
        ),
    )
    db.session.add(checkout)
    db.session.flush()
    return CheckoutStart(checkout, created=True)
