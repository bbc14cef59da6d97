"""The job queue: slow work (imports, receipts and mail, images, signed heads, reports) leaves
the request and runs in a worker (`flask jobs worker`), retried with backoff when it fails.

Huey is the queue: its SQLite storage in instance/ by default (no service to run), Redis when
`REDIS_URL` is set (several web servers and workers). Define a job with `@job()` on a plain
function; call `thing.enqueue(args)` in a unit of work: it is queued once the unit commits, so a
worker never sees rows that are not there yet. Every run is recorded in `job_runs`, which the
back office shows (failures first).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Remember the app for workers, register the back-office page and `flask jobs`."""
    from app.jobs import cli, models, queue, views  # noqa: F401 - models

    queue.bind(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.jobs_cli)
