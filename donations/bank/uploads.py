"""Statement uploads: the file is kept in private storage and imported on the job queue.

The upload request only checks the file (size, rows, what an .xlsx unpacks to: before any
parsing), stores it, records a queued `StatementImport` and enqueues `run_import`. The job
commits chunk by chunk; the counters it saves after each chunk are the progress the page
polls. A job killed half-way is run again on the same import (re-upload the file, or `flask
bank resume`) and carries on from the last committed chunk: the rows already stored are
recognised by their fingerprints, so nothing is counted twice and the ledger ends exactly as
after one uninterrupted run. Files are deleted after BANK_UPLOAD_RETENTION_DAYS.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import select

from app import uow
from app.audit import service as audit
from app.auth.models import User
from app.dbtypes import VN_TZ, utcnow
from app.errors import DomainError
from app.extensions import db
from app.jobs.queue import huey, job, progress
from donations.bank.importing import CHUNK_SIZE, ImportReport, file_sha256, import_statement
from donations.bank.models import StatementImport
from donations.bank.statement_limits import check_file
from donations.bank.statement_reader import StatementError, read_statement

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
EXTENSIONS = (".csv", ".xlsx")


def statement_dir() -> Path:
    """Where uploaded statements wait (private: served to nobody)."""
    folder = Path(current_app.config["PRIVATE_FOLDER"]) / "statements"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_path(record: StatementImport) -> Path | None:
    """The stored file of an import, while it is kept."""
    if not record.stored_name:
        return None
    path = statement_dir() / record.stored_name
    return path if path.exists() else None


def _when(record: StatementImport) -> str:
    return record.created_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def accept_upload(stream, filename: str, actor) -> tuple[StatementImport, bool]:
    """Check and store an uploaded statement, and queue its import; flushes. Returns the
    import and whether it was queued now.

    The same file again: refused when it was imported already; while its import is queued
    or running, that import is returned (its page shows the progress); after a failure it
    is queued again and carries on where it stopped.
    """
    filename = os.path.basename(filename or "sao-ke.csv")[:200]
    ext = os.path.splitext(filename)[1].lower()
    if ext not in EXTENSIONS:
        raise DomainError(_l("Chỉ nhận tệp .csv hoặc .xlsx."), field="file")
    folder = statement_dir()
    handle, tmp_name = tempfile.mkstemp(dir=folder, prefix="upload-", suffix=ext)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
        try:
            rows = check_file(tmp, filename)
            # The layout too, now: an unknown one is refused here, not in the worker.
            next(iter(read_statement(tmp, filename)), None)
        except StatementError as err:
            raise DomainError(err.args[0], field="file") from None
        digest = file_sha256(tmp)
        earlier = (
            db.session.execute(
                select(StatementImport)
                .where(StatementImport.sha256 == digest)
                .order_by(StatementImport.id.desc())
            )
            .scalars()
            .first()
        )
        if earlier is not None and earlier.status == DONE:
            raise DomainError(
                _l(
                    "Tệp này đã được nhập lúc %(when)s (lần nhập #%(id)s, %(file)s): không nhập "
                    "lại, không có gì được ghi thêm.",
                    when=_when(earlier),
                    id=earlier.id,
                    file=earlier.filename,
                ),
                field="file",
            )
        if earlier is not None and earlier.status in (QUEUED, RUNNING) and stored_path(earlier):
            return earlier, False  # already on its way: the page shows its progress
        stored_name = f"{digest}{ext}"
        os.replace(tmp, folder / stored_name)
    finally:
        tmp.unlink(missing_ok=True)
    if earlier is not None:
        # Failed, or its file was gone: run it again as the same import.
        record = earlier
        record.stored_name = stored_name
        record.file_deleted_at = None
    else:
        record = StatementImport(
            filename=filename,
            sha256=digest,
            imported_by_id=getattr(actor, "id", None),
            rows_expected=rows,
            stored_name=stored_name,
        )
        db.session.add(record)
    record.status, record.error, record.finished_at = QUEUED, "", None
    db.session.flush()
    record.job_id = run_import.enqueue(record.id)
    audit.record(
        actor,
        "statement.upload",
        record,
        _l("Tải lên sao kê %(file)s, xếp hàng nhập", file=filename),
    )
    return record, True


def _progress_counts(report: ImportReport) -> dict:
    return {
        "rows": report.rows,
        "matched": report.matched,
        "to_review": report.to_review,
        "duplicates": report.duplicates + report.already,
        "skipped": report.skipped,
    }


@job("bank.import_statement", retries=2, delay=30)
def run_import(import_id: int) -> None:
    """The job: import an uploaded statement, committing and reporting after every chunk."""
    record = db.session.get(StatementImport, import_id)
    if record is None or record.status == DONE:
        return
    path = stored_path(record)
    if path is None:
        _fail(record, _l("Tệp đã tải lên không còn (đã quá hạn lưu): hãy tải lên lại."))
        return
    record.status = RUNNING
    uow.checkpoint()
    job_id, actor = record.job_id, record.imported_by_id
    try:
        report = import_statement(
            path,
            record.filename,
            actor=db.session.get(User, actor) if actor else None,
            record=record,
            checkpoint=uow.checkpoint,
            chunk_size=int(current_app.config.get("BANK_IMPORT_CHUNK_SIZE", CHUNK_SIZE)),
            progress=lambda r: progress(job_id, **_progress_counts(r)),
        )
    except DomainError as err:
        # A file that turns out unreadable half-way: what was committed stays (it is right),
        # the rest will not get better by retrying.
        uow.rollback()
        failed = db.session.get(StatementImport, import_id)
        if failed is not None:
            _fail(failed, err.message)
        return
    record.status, record.finished_at = DONE, utcnow()
    uow.checkpoint()  # before the job's own row is written (SQLite has one writer at a time)
    progress(job_id, **_progress_counts(report))


def _fail(record: StatementImport, message) -> None:
    record.status, record.error, record.finished_at = FAILED, str(message)[:2000], utcnow()


def resume_stalled(import_id: int, *, enqueue: bool = True) -> StatementImport:
    """Queue an import again (its worker was stopped); it carries on where it stopped.

    `enqueue=False`: the caller runs `run_import` itself (`flask bank resume`)."""
    record = db.session.get(StatementImport, import_id)
    if record is None:
        raise DomainError(_l("Không tìm thấy lần nhập sao kê."))
    if record.status == DONE:
        raise DomainError(_l("Lần nhập này đã xong."))
    if stored_path(record) is None:
        raise DomainError(_l("Tệp đã tải lên không còn (đã quá hạn lưu): hãy tải lên lại."))
    record.status, record.error = QUEUED, ""
    db.session.flush()
    if enqueue:
        record.job_id = run_import.enqueue(record.id)
    return record


def purge_uploads(now=None) -> int:
    """Delete stored statements older than BANK_UPLOAD_RETENTION_DAYS; how many went.

    The import's record (counters, hash of the file) stays; only the file goes.
    """
    days = int(current_app.config.get("BANK_UPLOAD_RETENTION_DAYS", 90))
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = db.session.execute(
        select(StatementImport).where(
            StatementImport.stored_name != "",
            StatementImport.created_at < cutoff,
            StatementImport.status.in_((DONE, FAILED)),
        )
    ).scalars()
    count = 0
    for record in old:
        path = statement_dir() / record.stored_name
        uow.after_commit(partial(path.unlink, missing_ok=True))
        record.stored_name = ""
        record.file_deleted_at = now or utcnow()
        count += 1
    db.session.flush()
    return count


@job("bank.purge_uploads", retries=1, delay=60)
def purge_uploads_job() -> None:
    """The job form of `purge_uploads` (queued from the back office or a script)."""
    purge_uploads()


@huey.periodic_task(crontab(minute="17", hour="3"), name="bank.purge_uploads_daily")
def purge_uploads_daily() -> None:
    """Every night at 03:17 the worker deletes the statements past their retention period."""
    purge_uploads_job._run((), None)
