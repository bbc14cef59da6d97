"""Huey, the jobs defined on it, and the record of every run."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, cast

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Task
from sqlalchemy import Table, insert, select, update

from app import uow, writebehind
from app.config import jobs_url
from app.dbtypes import utcnow
from app.extensions import db
from app.jobs.models import JobRun, JobStatus

log = logging.getLogger(__name__)


def _make(url: str) -> Huey:
    """The queue for a JOBS_URL: `redis://…` or `sqlite:///path`."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("thapsang", url=url)
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)  # instance/ may not exist yet (fresh clone)
    return SqliteHuey("thapsang", filename=str(path))


huey: Huey = _make(jobs_url())
_APP: Flask | None = None
JOBS: dict[str, Job] = {}


def bind(app: Flask) -> None:
    """Remember the app workers run jobs in, and run jobs at once where it asks (tests)."""
    global _APP
    _APP = app
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))


def _app_context():
    if has_app_context():
        return nullcontext()
    if _APP is None:
        raise RuntimeError("no app bound to the job queue (create_app binds one)")
    return _APP.app_context()


def _mark(job_id: str, name: str, **values: Any) -> None:
    """Update a run's row in a transaction of its own (it must survive the job's rollback)."""
    with db.engine.begin() as conn:
        found = conn.execute(select(JobRun.id).where(JobRun.id == job_id)).first()
        if found is None:
            conn.execute(insert(JobRun).values(id=job_id, name=name, args=[], **values))
        else:
            conn.execute(update(JobRun).where(JobRun.id == job_id).values(**values))


def progress(job_id: str | None, **counts: int) -> None:
    """Report how far a long job has got (shown by its progress bar); a no-op without an id."""
    if job_id:
        with db.engine.begin() as conn:
            conn.execute(update(JobRun).where(JobRun.id == job_id).values(progress=counts))


INSERT_RUN = insert(cast(Table, JobRun.__table__))


def run_row(job_id: str, name: str, args: list) -> dict[str, Any]:
    """The values of a just-queued job's row, for `INSERT_RUN`."""
    return {
        "id": job_id,
        "name": name,
        "args": args,
        "status": JobStatus.queued,
        "attempts": 0,
        "error": "",
        "progress": {},
        "queued_at": utcnow(),
        "started_at": None,
        "finished_at": None,
    }


class Job:
    """A function that runs in a worker, in a unit of work of its own."""

    def __init__(self, fn: Callable[..., Any], name: str, retries: int, delay: int) -> None:
        self.fn = fn
        self.name = name

        def execute(*args: Any, task: Task | None = None) -> None:
            self._run(args, task)

        self.task = huey.task(
            retries=retries,
            retry_delay=delay,
            retry_backoff=2,
            context=True,
            name=name,
        )(execute)

    def _run(self, args: tuple, task: Task | None) -> None:
        job_id = task.id if task is not None else ""
        with _app_context():
            if job_id:
                _mark(job_id, self.name, status=JobStatus.running, started_at=utcnow())
                with db.engine.begin() as conn:
                    conn.execute(
                        update(JobRun)
                        .where(JobRun.id == job_id)
                        .values(attempts=JobRun.attempts + 1)
                    )
            try:
                with uow.transaction():
                    self.fn(*args)
            except Exception as err:
                left = task.retries if task is not None else 0
                log.exception("job %s (%s) failed; %s retries left", self.name, job_id, left)
                if job_id:
                    _mark(
                        job_id,
                        self.name,
                        status=JobStatus.retrying if left else JobStatus.failed,
                        error="".join(traceback.format_exception_only(err)).strip()[:2000],
                        finished_at=None if left else utcnow(),
                    )
                raise
            if job_id:
                _mark(job_id, self.name, status=JobStatus.done, error="", finished_at=utcnow())

    def enqueue(self, *args: Any) -> str:
        """Queue the job once the current unit of work commits; its id (for progress)."""
        task = self.task.s(*args)
        # A plain INSERT now rather than an ORM row flushed later: a webhook queues its
        # receipt's mail while it holds the ledger's chain lock.
        writebehind.execute(INSERT_RUN, run_row(task.id, self.name, list(args)))
        uow.after_commit(lambda: huey.enqueue(task))
        return task.id

    def now(self, *args: Any) -> None:
        """Run the job here and now, in its own unit of work (CLI commands, tests)."""
        with uow.transaction():
            self.fn(*args)

    def __call__(self, *args: Any) -> None:
        self.fn(*args)


def job(name: str | None = None, *, retries: int = 5, delay: int = 10) -> Callable:
    """Decorator: make a plain function a job (`thing.enqueue(…)`, `thing.now(…)`).

    Its arguments must be JSON-friendly ids and short strings. It runs in a unit of work of
    its own; an exception rolls it back and it is retried after `delay` seconds, then twice
    as long each time, `retries` times, before it is marked failed for the back office.
    """

    def decorate(fn: Callable[..., Any]) -> Job:
        key = name or f"{fn.__module__}.{fn.__name__}"
        existing = JOBS.get(key)
        if existing is not None:
            return existing
        JOBS[key] = Job(fn, key, retries, delay)
        return JOBS[key]

    return decorate


def make_consumer(workers: int = 2):
    """A consumer of worker threads that look for work at least once a second."""
    return huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, initial_delay=0.05, max_delay=1.0
    )


@contextmanager
def consumer(workers: int = 2) -> Iterator[Any]:
    """A consumer running in this process until the block ends (tests, benchmarks)."""
    worker = make_consumer(workers)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop(graceful=True)
