"""Reading the record of job runs, and queueing a failed one again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select

from app import uow
from app.errors import Conflict, NotFound
from app.extensions import db
from app.jobs.models import JobRun, JobStatus
from app.jobs.queue import JOBS, huey


def listing(status: str = "") -> Select:
    """Runs, failures first, newest first."""
    stmt = select(JobRun)
    if status in JobStatus.__members__:
        stmt = stmt.where(JobRun.status == JobStatus(status))
    failed_first = case((JobRun.status == JobStatus.failed, 0), else_=1)
    return stmt.order_by(failed_first, JobRun.queued_at.desc(), JobRun.id)


def retry(job_id: str) -> JobRun:
    """Queue a failed job again with the same arguments (after the commit)."""
    run = db.session.get(JobRun, job_id)
    if run is None:
        raise NotFound(_l("Không tìm thấy công việc."))
    if run.status != JobStatus.failed:
        raise Conflict(_l("Chỉ chạy lại được công việc đã thất bại."))
    job = JOBS.get(run.name)
    if job is None:
        raise Conflict(_l("Loại công việc này không còn tồn tại."))
    task = job.task.s(*run.args)
    run.status = JobStatus.queued
    again = JobRun(id=task.id, name=run.name, args=list(run.args))
    db.session.add(again)
    db.session.flush()
    uow.after_commit(lambda: huey.enqueue(task))
    return again
