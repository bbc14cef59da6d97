"""`flask statement reindex`: rebuild the statement's search index from the ledger."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app import uow
from app.extensions import db
from transparency.statement import indexing

statement_cli = AppGroup("statement", help="Sao kê công khai / the public statement.")


@statement_cli.command("reindex")
@uow.command
def reindex_command() -> None:
    """Empty the search index and build it again from every ledger entry."""
    count = indexing.rebuild(db.session.connection())
    click.echo(f"Đã lập chỉ mục {count} bút toán.")
