"""The job queue: jobs run after their unit of work commits, failures are retried with backoff
and shown to admins; on the embedded store (SQLite) and on the machine's Redis."""

from __future__ import annotations

import time

import pytest
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import create_engine, select, text

from app import uow
from app.audit.models import AuditEntry
from app.audit.service import record
from app.extensions import db
from app.jobs import queue
from app.jobs.models import JobRun, JobStatus
from app.jobs.queue import job
from tests.conftest import login

FLAKY = {"left": 0}


@job("tests.jobs.note", retries=2, delay=1)
def note(code: str) -> None:
    """Write an audit entry (something a test can look for)."""
    record(None, "job.test", summary=code)


@job("tests.jobs.flaky", retries=2, delay=1)
def flaky(code: str) -> None:
    """Fail while FLAKY["left"] > 0, then write like `note`."""
    if FLAKY["left"] > 0:
        FLAKY["left"] -= 1
        raise RuntimeError("máy chủ thư tạm thời lỗi")
    record(None, "job.test", summary=code)


def _notes() -> list[str]:
    return list(
        db.session.execute(select(AuditEntry.summary).where(AuditEntry.action == "job.test"))
        .scalars()
        .all()
    )


def test_a_job_runs_once_its_unit_of_work_commits(ctx):
    with uow.transaction():
        job_id = note.enqueue("sau-commit")
        assert _notes() == []  # nothing ran before the commit
    assert _notes() == ["sau-commit"]
    run = db.session.get(JobRun, job_id)
    assert run.status == JobStatus.done and run.attempts == 1 and run.args == ["sau-commit"]


def test_a_rolled_back_unit_queues_nothing(ctx):
    with pytest.raises(RuntimeError), uow.transaction():
        note.enqueue("khong-bao-gio")
        raise RuntimeError("the request failed")
    assert _notes() == [] and db.session.execute(select(JobRun)).first() is None


def test_a_failing_job_is_recorded_for_admins_and_can_be_run_again(client, ctx, make_user):
    FLAKY["left"] = 99
    with uow.transaction():
        job_id = flaky.enqueue("thu-lai")
    run = db.session.get(JobRun, job_id)
    assert run.status == JobStatus.retrying and "máy chủ thư tạm thời lỗi" in run.error
    run.status = JobStatus.failed  # as after its last retry
    db.session.commit()
    login(client, make_user("admin"))
    page = client.get("/quan-tri/cong-viec?status=failed").get_data(as_text=True)
    assert "tests.jobs.flaky" in page and "máy chủ thư tạm thời lỗi" in page
    FLAKY["left"] = 0
    assert client.post(f"/quan-tri/cong-viec/{job_id}/chay-lai").status_code == 302
    assert _notes() == ["thu-lai"]
    db.session.expire_all()
    assert db.session.get(JobRun, job_id).status == JobStatus.queued
    runs = db.session.execute(select(JobRun).where(JobRun.name == "tests.jobs.flaky")).scalars()
    assert sorted(r.status for r in runs) == [JobStatus.done, JobStatus.queued]


def test_only_admins_see_the_jobs_page(client, make_user):
    login(client, make_user("treasurer"))
    assert client.get("/quan-tri/cong-viec").status_code == 403


@pytest.fixture(params=["sqlite", "redis"])
def real_queue(request, app, tmp_path):
    """The queue on a real store, jobs run by a consumer in this process."""
    if request.param == "redis":
        storage = RedisStorage("thapsang-test", url="redis://127.0.0.1:6379/15")
    else:
        storage = SqliteStorage("thapsang-test", filename=str(tmp_path / "jobs.db"))
    saved = (queue.huey.storage, queue.huey.immediate)
    queue.huey.immediate = False
    queue.huey.storage = storage
    queue.huey.flush()
    yield request.param
    queue.huey.flush()
    queue.huey.storage, queue.huey.immediate = saved


def _committed_notes(app) -> list[str]:
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT summary FROM audit_log WHERE action = 'job.test'"))
            return sorted(r[0] for r in rows)
    finally:
        engine.dispose()


def _wait_for(app, expected: list[str], seconds: float = 20) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = _committed_notes(app)
        if found == expected:
            return found
        time.sleep(0.1)
    return _committed_notes(app)


@pytest.mark.commits
def test_a_worker_runs_queued_jobs_and_retries_with_backoff(app, ctx, real_queue):
    FLAKY["left"] = 1
    with uow.transaction():
        note.enqueue(f"{real_queue}-mot")
        retried = flaky.enqueue(f"{real_queue}-hai")
    assert queue.huey.pending_count() == 2  # waiting in the real store for a worker
    started = time.monotonic()
    with queue.consumer(workers=2):
        found = _wait_for(app, sorted([f"{real_queue}-mot", f"{real_queue}-hai"]))
    assert found == sorted([f"{real_queue}-mot", f"{real_queue}-hai"])
    assert time.monotonic() - started >= 1  # the retry waited its delay
    db.session.expire_all()
    run = db.session.get(JobRun, retried)
    assert run.status == JobStatus.done and run.attempts == 2 and run.error == ""
