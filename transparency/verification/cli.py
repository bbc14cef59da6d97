"""`flask ledger sign-head` (cron, once a day) and `flask ledger merkle-sync`."""

from __future__ import annotations

import sys

import click

from app import uow
from app.cli import ledger_cli
from transparency.verification import jobs, services, tree


@ledger_cli.command("sign-head")
@click.option("--enqueue", is_flag=True, help="Queue it for the job worker instead.")
@uow.command
def sign_head_command(enqueue: bool) -> None:
    """Sign today's Merkle head with the fund's Ed25519 key (once a day)."""
    if enqueue:
        jobs.sign_head_job.enqueue()
        click.echo("Đã xếp hàng việc ký đầu sổ cái.")
        return
    row = services.sign_head()
    click.echo(f"{row.day.isoformat()} {row.tree_size} {row.root} {row.signature}")


@ledger_cli.command("merkle-sync")
@click.option("--chunk", type=click.IntRange(min=1), default=50000)
def merkle_sync_command(chunk: int) -> None:
    """Bring the stored Merkle tree up to the chain (commits every chunk)."""
    while True:
        with uow.transaction():
            before = tree.tree_size()
            size = tree.sync(limit=chunk)
        click.echo(f"{size}")
        if size == before:
            break


@ledger_cli.command("verify-tree")
def verify_tree_command() -> None:
    """Recompute the Merkle root from the entries and compare it with the stored tree."""
    size, stored = tree.state()
    computed = tree.recompute_root(size)
    if computed != stored:
        click.echo(f"MISMATCH at size {size}: stored {stored}, entries give {computed}")
        sys.exit(1)
    click.echo(f"OK tree of {size} entries, root {stored}")
