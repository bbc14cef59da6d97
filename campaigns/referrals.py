"""Referral links (`?ref=<code>`) and what they raised: the "bảng thi đua".

A unit's code is its own unit code; a personal page gets a code of its own ("p_" + 6
characters, which a unit code can never look like). The visitor's code is remembered in the
session for the rest of the visit; unknown codes are ignored, never an error for a donor.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import has_request_context, request, session
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.units.models import Unit
from campaigns import cache
from campaigns.models import (
    Campaign,
    FundraisingPage,
    PageStatus,
    ReferralCode,
    ReferralCredit,
)

SESSION_KEY = "ref"
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
_PAGE_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"


def normalise(code: str | None) -> str | None:
    """A code as stored (lower case, trimmed), or None when it cannot be one."""
    if not code:
        return None
    code = code.strip().lower()
    return code if CODE_RE.match(code) else None


def find_code(code: str | None) -> ReferralCode | None:
    """The referral code row, or None (unknown or malformed)."""
    code = normalise(code)
    if code is None:
        return None
    return db.session.execute(
        select(ReferralCode).where(ReferralCode.code == code)
    ).scalar_one_or_none()


def _unit_for(code: str) -> Unit | None:
    return db.session.execute(
        select(Unit).where(Unit.code == code, Unit.active.is_(True))
    ).scalar_one_or_none()


def is_known(code: str | None) -> bool:
    """True for a personal page's code or any active unit's code (its row may not exist yet)."""
    code = normalise(code)
    return code is not None and (find_code(code) is not None or _unit_for(code) is not None)


def _is_valid(code: str) -> bool:
    return bool(cache.cached(("ref-valid", code), lambda: is_known(code) or None))


def remember_from_request() -> None:
    """before_request: a valid `?ref=` is kept for the visit; anything else is ignored."""
    raw = request.args.get("ref")
    if not raw:
        return
    code = normalise(raw)
    if code and _is_valid(code) and session.get(SESSION_KEY) != code:
        session[SESSION_KEY] = code


def current_ref_code() -> str | None:
    """The valid referral code of this visit (this request's `?ref=` first), or None."""
    if not has_request_context():
        return None
    code = normalise(request.args.get("ref"))
    if code and _is_valid(code):
        return code
    remembered = normalise(session.get(SESSION_KEY))
    return remembered if remembered and _is_valid(remembered) else None


def unit_code(unit: Unit) -> ReferralCode:
    """The unit's own referral code, created on first use (flushes)."""
    row = db.session.execute(
        select(ReferralCode).where(ReferralCode.code == unit.code.lower())
    ).scalar_one_or_none()
    if row is None:
        row = ReferralCode(code=unit.code.lower(), unit_id=unit.id)
        db.session.add(row)
        db.session.flush()
    return row


def new_page_code(unit_id: int) -> ReferralCode:
    """A fresh random code for a personal page (flushes)."""
    for _ in range(10):
        code = "p_" + "".join(secrets.choice(_PAGE_ALPHABET) for _ in range(6))
        if find_code(code) is None:
            row = ReferralCode(code=code, unit_id=unit_id)
            db.session.add(row)
            db.session.flush()
            return row
    raise RuntimeError("could not find a free referral code")  # 30^6 codes: never in practice


def credit_referral(ref_code: str | None, campaign: Campaign, amount: int, key: str) -> None:
    """Record that a referral link raised `amount` đồng for `campaign`; once per `key`.

    Called by donations when a gift is confirmed. No code, an unknown code or a repeated key
    does nothing. Flushes, never commits.
    """
    row = find_code(ref_code)
    if row is None and normalise(ref_code):
        unit = _unit_for(normalise(ref_code))
        row = unit_code(unit) if unit is not None else None
    if row is None or amount <= 0:
        return
    if db.session.execute(select(ReferralCredit.id).where(ReferralCredit.key == key)).first():
        return
    credit = ReferralCredit(
        key=key, referral_code_id=row.id, campaign_id=campaign.id, amount=amount
    )
    try:
        with db.session.begin_nested():  # a concurrent twin with the same key loses quietly
            db.session.add(credit)
            db.session.flush()
    except IntegrityError:
        pass


@dataclass(frozen=True)
class Standing:
    """One line of a leaderboard."""

    name: str
    amount: int
    gifts: int
    code: str = ""
    goal: int = 0
    url_args: tuple = ()


def unit_board(campaign: Campaign | None = None, limit: int = 20) -> list[Standing]:
    """Units by what their links raised, their members' personal pages included."""
    stmt = (
        select(Unit.name, Unit.code, func.sum(ReferralCredit.amount), func.count(ReferralCredit.id))
        .join(ReferralCode, ReferralCode.id == ReferralCredit.referral_code_id)
        .join(Unit, Unit.id == ReferralCode.unit_id)
        .group_by(Unit.id, Unit.name, Unit.code)
        .order_by(func.sum(ReferralCredit.amount).desc(), Unit.name)
        .limit(limit)
    )
    if campaign is not None:
        stmt = stmt.where(ReferralCredit.campaign_id == campaign.id)
    return [Standing(n, int(a), int(g), c) for n, c, a, g in db.session.execute(stmt)]


def page_board(campaign: Campaign | None = None, limit: int = 20) -> list[Standing]:
    """Approved personal pages by what they raised for their own campaign."""
    raised = (
        select(
            ReferralCredit.referral_code_id.label("rid"),
            func.sum(ReferralCredit.amount).label("amount"),
            func.count(ReferralCredit.id).label("gifts"),
        )
        .join(FundraisingPage, FundraisingPage.referral_code_id == ReferralCredit.referral_code_id)
        .where(ReferralCredit.campaign_id == FundraisingPage.campaign_id)
        .group_by(ReferralCredit.referral_code_id)
        .subquery()
    )
    stmt = (
        select(FundraisingPage, raised.c.amount, raised.c.gifts)
        .join(raised, raised.c.rid == FundraisingPage.referral_code_id)
        .where(FundraisingPage.status == PageStatus.approved)
        .order_by(raised.c.amount.desc(), FundraisingPage.id)
        .limit(limit)
    )
    if campaign is not None:
        stmt = stmt.where(FundraisingPage.campaign_id == campaign.id)
    return [
        Standing(p.owner_name, int(a), int(g), p.code, p.goal, (p.campaign.slug, p.code))
        for p, a, g in db.session.execute(stmt)
    ]


def page_raised(page: FundraisingPage) -> tuple[int, int]:
    """(đồng, gifts) raised by one personal page for its campaign."""
    amount, gifts = db.session.execute(
        select(
            func.coalesce(func.sum(ReferralCredit.amount), 0), func.count(ReferralCredit.id)
        ).where(
            ReferralCredit.referral_code_id == page.referral_code_id,
            ReferralCredit.campaign_id == page.campaign_id,
        )
    ).one()
    return int(amount), int(gifts)
