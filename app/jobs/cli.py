"""`flask jobs …`: run the worker, see what is queued and what failed, retry a failed job."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import uow
from app.extensions import db
from app.jobs import services
from app.jobs.models import JobRun
from app.jobs.queue import huey, make_consumer

jobs_cli = AppGroup("jobs", help="The job queue (imports, receipts, mail, reports).")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker(workers: int) -> None:
    """Run jobs until stopped (Ctrl+C); `make run` starts one beside the web server."""
    make_consumer(workers).run()


@jobs_cli.command("status")
def status() -> None:
    """Jobs waiting in the queue, and runs by status."""
    click.echo(f"Queued: {huey.pending_count()}, scheduled (retries): {huey.scheduled_count()}")
    rows = db.session.execute(
        select(JobRun.status, func.count()).group_by(JobRun.status).order_by(JobRun.status)
    )
    for state, count in rows:
        click.echo(f"  {state.value:<9} {count}")


@jobs_cli.command("retry")
@click.argument("job_id")
@uow.command
def retry(job_id: str) -> None:
    """Queue a failed job again."""
    run = services.retry(job_id)
    click.echo(f"Queued again: {run.name} ({run.id}).")
