"""The one place that talks to Stripe's API, and the VND rules Stripe imposes."""

from __future__ import annotations

import stripe
from flask import current_app

# VND is zero-decimal for Stripe: unit_amount=50000 is 50.000 ₫, never ×100.
CURRENCY = "vnd"
# Stripe takes at most 8 digits per amount: 99.999.999 ₫.
STRIPE_MAX_AMOUNT = 99_999_999


def card_enabled() -> bool:
    """Card payments are offered only when a Stripe secret key is configured."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def to_stripe_amount(amount: int) -> int:
    """Đồng as Stripe's integer amount (the same number; refuses what Stripe would refuse)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int of đồng, not {type(amount).__name__}")
    if not 0 < amount <= STRIPE_MAX_AMOUNT:
        raise ValueError(f"amount out of Stripe's range for VND: {amount}")
    return amount


def from_stripe_amount(value: object, currency: object) -> int:
    """Stripe's amount as đồng; refuses another currency or anything but an int."""
    if str(currency or "").lower() != CURRENCY:
        raise ValueError(f"unexpected currency {currency!r}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"unexpected amount {value!r}")
    return value


def client() -> stripe.StripeClient:
    """A client for the configured account (STRIPE_API_BASE points tests at a local server)."""
    cfg = current_app.config
    base = cfg.get("STRIPE_API_BASE") or ""
    return stripe.StripeClient(
        cfg["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        # The donor is waiting on the page; a failure is shown rather than retried for long.
        max_network_retries=int(cfg.get("STRIPE_MAX_RETRIES", 0)),
    )
