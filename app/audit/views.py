"""Browsing the audit log (admins and auditors)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from app import nav
from app.audit import service
from app.auth.guards import roles_required
from app.extensions import db
from app.formtools import page_number

bp = Blueprint("audit", __name__, url_prefix="/quan-tri/nhat-ky")
nav.register(_l("Nhật ký thao tác"), "audit.index", ("admin", "auditor"), order=90)


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/")
@roles_required("admin", "auditor")
def index():
    """Filter by who, what, target and dates; newest first, 50 a page."""
    texts = {
        name: request.args.get(name, "") for name in ("actor", "action", "target_type", "target_id")
    }
    day_from, day_to = _day("from"), _day("to")
    filters = {**texts, "day_from": day_from, "day_to": day_to}
    stmt = service.query(
        actor=texts["actor"],
        action=texts["action"],
        target_type=texts["target_type"],
        target_id=texts["target_id"],
        day_from=day_from,
        day_to=day_to,
    )
    page = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "audit/index.html", page=page, filters=filters, actions=service.actions()
    )
