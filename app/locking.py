"""Row locks that hold on both databases: FOR UPDATE on PostgreSQL, the write lock on SQLite."""

from __future__ import annotations

from sqlalchemy import Select

from app.extensions import db


def take_write_lock() -> None:
    """On SQLite, start the transaction as IMMEDIATE so no other writer runs until it ends.

    pysqlite opens transactions lazily (at the first write), so two requests could both read a
    row before either writes; an IMMEDIATE transaction takes the database's write lock now.
    PostgreSQL locks rows instead (`lock_rows`), so this does nothing there.
    """
    conn = db.session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def lock_rows(stmt: Select):
    """Run `stmt` (a select of ORM rows) holding a lock on what it returns until the commit."""
    take_write_lock()
    return db.session.execute(
        stmt.with_for_update().execution_options(populate_existing=True)
    ).scalars()
