"""Row locks that hold on both databases: FOR UPDATE on PostgreSQL, the write lock on SQLite."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.dialects import postgresql, sqlite

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


def create_once(model, **values) -> None:
    """Insert a row unless its key is already there, whoever wins a race to create it.

    (Two requests finding a state row missing would otherwise both insert it, and one would fail
    with an integrity error.) Lock it afterwards with `lock_rows`.
    """
    maker = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    db.session.execute(maker(model).values(**values).on_conflict_do_nothing())
