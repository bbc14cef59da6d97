"""Back office: the list of pledges (read-only)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import nav
from app.auth.guards import roles_required
from app.extensions import db
from donations.pledges.models import PLEDGE_TRANSITIONS, Pledge, PledgeStatus

bp = Blueprint("pledges_admin", __name__, url_prefix="/quan-tri/ung-ho")
READERS = ("admin", "treasurer", "auditor")
nav.register(_l("Cam kết ủng hộ"), "pledges_admin.pledges", READERS, order=31)


@bp.route("/cam-ket")
@roles_required(*READERS)
def pledges():
    """Pledges, filtered by status and searched by reference, name or e-mail."""
    status = request.args.get("status", "")
    q = request.args.get("q", "").strip()
    stmt = (
        select(Pledge)
        .options(selectinload(Pledge.campaign))  # shown on each row: once for the page
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    )
    if status in PledgeStatus.__members__:
        stmt = stmt.where(Pledge.status == PledgeStatus(status))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(
                Pledge.reference.ilike(like),
                Pledge.donor_name.ilike(like),
                Pledge.email.ilike(like),
            )
        )
    page = db.paginate(stmt, per_page=30, error_out=False)
    return render_template(
        "donations/pledges/admin/pledges.html",
        page=page,
        status=status,
        q=q,
        statuses=list(PledgeStatus),
        status_labels=PLEDGE_TRANSITIONS.labels,
    )
