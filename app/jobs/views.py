"""Back office: the job queue's runs, failures first, and a button to run a failed one again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import nav, uow
from app.auth.guards import roles_required
from app.extensions import db
from app.jobs import services
from app.jobs.models import JOB_LABELS, JobStatus
from app.jobs.queue import huey

bp = Blueprint("jobs", __name__, url_prefix="/quan-tri/cong-viec")
nav.register(_l("Công việc nền"), "jobs.index", ("admin",), order=95)


@bp.get("")
@roles_required("admin")
def index():
    """Runs by status; what waits in the queue."""
    status = request.args.get("status", "")
    page = db.paginate(services.listing(status), per_page=50, error_out=False)
    return render_template(
        "jobs/index.html",
        page=page,
        status=status if status in JobStatus.__members__ else "",
        labels=JOB_LABELS,
        pending=huey.pending_count(),
    )


@bp.post("/<job_id>/chay-lai")
@roles_required("admin")
def retry(job_id: str):
    """Queue a failed job again."""
    with uow.attempt() as done:
        services.retry(job_id)
    if done:
        flash(_("Đã xếp công việc vào hàng đợi để chạy lại."), "success")
    return redirect(url_for("jobs.index"))
