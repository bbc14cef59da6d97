"""`flask statement reindex` (rebuild the search index) and `flask demo bulk` (a large ledger)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from app import uow
from app.demo import demo_cli
from app.extensions import db
from transparency.statement import aggregates, bulk, indexing

statement_cli = AppGroup("statement", help="Sao kê công khai / the public statement.")


@statement_cli.command("reindex")
@uow.command
def reindex_command() -> None:
    """Empty the search index and its totals tables and build them again from the ledger."""
    connection = db.session.connection()
    count = indexing.rebuild(connection)
    aggregates.rebuild(connection)
    click.echo(f"Đã lập chỉ mục {count} bút toán.")


@demo_cli.command("bulk")
@click.option("--entries", type=click.IntRange(1, 10_000_000), default=10_000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--chunk", type=click.IntRange(100, 100_000), default=5000, show_default=True)
@uow.command
def bulk_command(entries: int, seed: int, chunk: int) -> None:
    """A large synthetic ledger through the batch posting path, committed chunk by chunk; then
    the statement index, the Merkle tree and the planner statistics, once."""
    started = time.perf_counter()
    made = bulk.build(entries, seed=seed, chunk=chunk, checkpoint=uow.checkpoint, echo=click.echo)
    posted = time.perf_counter()
    click.echo(f"Đã ghi {made} bút toán trong {posted - started:.0f} s.")
    bulk.finish(checkpoint=uow.checkpoint, echo=click.echo)
    elapsed = time.perf_counter() - started
    click.echo(
        f"Chỉ mục, cây Merkle, thống kê: {elapsed - posted + started:.0f} s. "
        f"Tổng {elapsed:.0f} s ({made / elapsed:.0f} bút toán/s)."
    )
