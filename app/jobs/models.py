"""What the back office sees of the job queue: one row per job run, with its outcome."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime, utcnow
from app.extensions import Model


class JobStatus(enum.StrEnum):
    """queued → running → done | retrying → running … | failed (no retries left)."""

    queued = "queued"
    running = "running"
    retrying = "retrying"
    done = "done"
    failed = "failed"


JOB_LABELS = {
    JobStatus.queued: _l("Đang chờ"),
    JobStatus.running: _l("Đang chạy"),
    JobStatus.retrying: _l("Lỗi, sẽ thử lại"),
    JobStatus.done: _l("Xong"),
    JobStatus.failed: _l("Thất bại"),
}


class JobRun(Model):
    """One queued job (its id is Huey's task id) and what became of it."""

    __tablename__ = "job_runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    # The arguments as given (ids and short strings: jobs take no personal data).
    args: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=10), default=JobStatus.queued, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # What a long job reports while it runs (rows read, matched…), for progress bars.
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self) -> str:
        """The status in the reader's language."""
        return str(JOB_LABELS[self.status])
