"""Review queue help: the pledges a transfer without a usable code most likely pays.

A pledge is suggested when its amount (or what is still due on it) equals the transfer's and
it was made within days before, when the memo looks like its code (one or two characters
off), or when the memo carries the donor's name. Pledges already paid are flagged: one more
transfer would overpay them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from difflib import SequenceMatcher

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.formtools import optional_int
from app.text import strip_diacritics
from donations.bank.models import BankTransaction
from donations.pledges.models import Pledge, PledgeStatus

WINDOW_BEFORE = timedelta(days=21)
WINDOW_AFTER = timedelta(days=2)
LIMIT = 5
_ALNUM = re.compile(r"[^A-Z0-9 ]+")


@dataclass
class Suggestion:
    """A pledge the transfer may pay, with why it is offered and a warning if it is paid."""

    pledge: Pledge
    score: int
    reasons: list = field(default_factory=list)
    overpays: bool = False


def _words(text: str) -> list[str]:
    return _ALNUM.sub(" ", strip_diacritics(text or "").upper()).split()


def code_likeness(memo: str, reference: str) -> float:
    """How close the memo's most code-like word is to the reference (1.0: the same)."""
    best = 0.0
    words = _words(memo)
    # Each word, and the memo without spaces (a code typed in groups: "TSAB 12CD 34").
    for word in [*words, "".join(words)]:
        if len(word) < 6:
            continue
        for start in range(0, max(1, len(word) - len(reference) + 1)):
            piece = word[start : start + len(reference)]
            best = max(best, SequenceMatcher(None, piece, reference).ratio())
    return best


def name_in_memo(memo: str, name: str) -> bool:
    """True when the donor's name (two words or more, without accents) is in the memo."""
    words = [w for w in _words(name) if len(w) > 1]
    if len(words) < 2:
        return False
    memo_text = " " + " ".join(_words(memo)) + " "
    return " " + " ".join(words[-2:]) + " " in memo_text


def due(pledge: Pledge) -> int:
    return max(pledge.amount - pledge.received, 0)


def suggest(tx: BankTransaction, limit: int = LIMIT) -> list[Suggestion]:
    """The likeliest pledges for a waiting transfer, best first (empty when nothing fits)."""
    from app.extensions import db

    if tx.direction != "in" or tx.amount <= 0:
        return []
    since, until = tx.occurred_at - WINDOW_BEFORE, tx.occurred_at + WINDOW_AFTER
    rows = db.session.execute(
        select(Pledge)
        .where(
            Pledge.created_at >= since,
            Pledge.created_at <= until,
            or_(Pledge.amount == tx.amount, Pledge.amount - Pledge.received == tx.amount),
        )
        .limit(200)
    ).scalars()
    candidates = {p.id: p for p in rows}
    # A memo close to a code or naming the donor counts even with another amount.
    words = _words(tx.memo)
    if words:
        nearby = db.session.execute(
            select(Pledge).where(Pledge.created_at >= since, Pledge.created_at <= until).limit(500)
        ).scalars()
        for p in nearby:
            if code_likeness(tx.memo, p.reference) >= 0.8 or name_in_memo(tx.memo, p.donor_name):
                candidates.setdefault(p.id, p)
    out: list[Suggestion] = []
    for pledge in candidates.values():
        s = Suggestion(pledge, 0)
        if pledge.amount == tx.amount or due(pledge) == tx.amount:
            s.score += 3
            s.reasons.append(_l("cùng số tiền"))
        days = abs((tx.occurred_at - pledge.created_at).days)
        if days <= 3:
            s.score += 2 if days <= 1 else 1
            s.reasons.append(_l("tạo %(n)s ngày trước khi tiền về", n=days))
        likeness = code_likeness(tx.memo, pledge.reference)
        if likeness >= 0.8:
            s.score += 4
            s.reasons.append(_l("nội dung gần giống mã cam kết"))
        if name_in_memo(tx.memo, pledge.donor_name) or (
            pledge.company_name and name_in_memo(tx.memo, pledge.company_name)
        ):
            s.score += 3
            s.reasons.append(_l("nội dung có tên người ủng hộ"))
        s.overpays = pledge.status in (PledgeStatus.paid, PledgeStatus.overpaid)
        if s.overpays:
            s.score -= 2
        out.append(s)
    out.sort(key=lambda s: (-s.score, -s.pledge.created_at.timestamp()))
    return [s for s in out if s.score >= 3][:limit]


class NamedAssignForm(FlaskForm):
    """Assign to a campaign, with the name to show on the honour roll (optional)."""

    campaign_id = SelectField(_l("Chiến dịch nhận"), coerce=optional_int, validators=[Optional()])
    donor_name = StringField(
        _l("Tên hiện trên bảng vinh danh"),
        validators=[DataRequired(_l("Vui lòng nhập tên người ủng hộ.")), Length(max=120)],
    )


def review_context(tx: BankTransaction, campaign_choices) -> dict:
    """What the transaction page adds for the review: suggestions, the named-assign form."""
    named = NamedAssignForm(prefix="n", formdata=None)
    named.campaign_id.choices = campaign_choices
    waiting = tx.status.value == "review"
    return {
        "suggestions": suggest(tx) if waiting else [],
        "named_form": named,
        "pledge_overpaid": bool(
            tx.pledge and tx.pledge.status in (PledgeStatus.paid, PledgeStatus.overpaid)
        ),
    }
