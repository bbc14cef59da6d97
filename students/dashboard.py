"""Dashboard cards: visits due, rounds waiting for a decision."""

from __future__ import annotations

from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from students.care.services import visits_due
from students.rounds.models import AllocationRound, RoundStatus
from students.rounds.services import list_rounds


def visits_card(user) -> dict | None:
    """How many households are due a visit in the next two weeks (working groups)."""
    if user.role.value not in ("admin", "manager", "field"):
        return None
    stmt = visits_due(user, date.today() + timedelta(days=14)).order_by(None)
    count = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    return {
        "title": _("Hộ gia đình cần thăm (14 ngày tới)"),
        "value": count,
        "url": url_for("students.due"),
    }


def rounds_card(user) -> dict | None:
    """Rounds waiting for approval (treasurers) or back with the proposer (managers)."""
    if user.role.value in ("admin", "treasurer"):
        wanted, title = RoundStatus.proposed, _("Đợt trao chờ duyệt")
    elif user.role.value == "manager":
        wanted, title = RoundStatus.returned, _("Đợt trao bị trả lại")
    else:
        return None
    stmt = list_rounds(user, wanted.value).where(AllocationRound.status == wanted).order_by(None)
    count = db.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    return {
        "title": title,
        "value": count,
        "url": url_for("student_rounds.index", status=wanted.value),
    }
