"""What the pledge page shows once money arrived: the thank-you facts.

Receipts build on pledges, so the pledge page cannot import them: a higher sub-package
registers a provider here (`add_link_provider(fn)`, `fn(pledge)` → list of `{"label", "url"}`)
and the thank-you block lists what they return.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from donations.pledges.models import Pledge, PledgeStatus

_providers: list[Callable[[Pledge], list[dict]]] = []


def add_link_provider(fn: Callable[[Pledge], list[dict]]) -> None:
    """Register `fn(pledge)` → links shown under the thanks (once per function)."""
    if fn not in _providers:
        _providers.append(fn)


def links(pledge: Pledge) -> list[dict]:
    """Every registered provider's links for this pledge, in registration order."""
    out: list[dict] = []
    for fn in _providers:
        out.extend(fn(pledge))
    return out


def money_facts(pledge: Pledge, status: PledgeStatus) -> dict:
    """Received, still missing (partial) and the excess (overpaid), in đồng."""
    received = pledge.received
    return {
        "received": received,
        "missing": max(pledge.amount - received, 0) if status == PledgeStatus.partial else 0,
        "excess": max(received - pledge.amount, 0) if status == PledgeStatus.overpaid else 0,
        "finished": status in (PledgeStatus.paid, PledgeStatus.overpaid) and not pledge.monthly,
    }


def fund_contact() -> dict:
    """How a donor reaches the fund (e-mail, phone) for a refund or a question."""
    cfg = current_app.config
    return {"email": cfg.get("FUND_EMAIL", ""), "phone": cfg.get("FUND_PHONE", "")}
